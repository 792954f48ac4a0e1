import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { config as loadDotenv } from 'dotenv';
import { assembleServices } from '../assembly';
import { type Services } from '../bootstrap';
import { parseConfig } from '../config';
import { AppError, describeError, ServiceUnavailableError } from '../errors';
import { createLogger } from '../logger';
import { readSecret } from './read-secret';

const USAGE = `Usage:
  npm run user:create -- --username <name> [--scopes "<scope> <scope>"]
      The password is read from the terminal (hidden, asked twice) or from the first line of stdin,
      never from the command line: printf '%s\\n' "$PASSWORD" | npm run user:create -- --username ada
  npm run user:list

Uses the same configuration (DATABASE_URL...) as the server and applies pending migrations first.`;

async function create(services: Services, argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: { username: { type: 'string' }, scopes: { type: 'string', multiple: true } },
  });
  if (!values.username) {
    process.stderr.write(`--username is required\n\n${USAGE}\n`);
    return 2;
  }
  const password = await readSecret('Password: ');
  if (process.stdin.isTTY && (await readSecret('Repeat password: ')) !== password) {
    process.stderr.write('The passwords do not match.\n');
    return 1;
  }
  const scopes = (values.scopes ?? []).flatMap((entry) => entry.split(/[\s,]+/)).filter(Boolean);
  const user = await services.users.createUser({ username: values.username, password, scopes }, {});
  process.stdout.write(`${JSON.stringify({ id: user.id, username: user.username, scopes: user.scopes })}\n`);
  return 0;
}

async function list(services: Services): Promise<number> {
  let after: string | undefined;
  process.stdout.write('id\tusername\tscopes\tdisabled\tcreated\n');
  do {
    const page = await services.users.listUsers(100, after);
    for (const user of page.users) {
      const fields = [user.id, user.username, user.scopes.join(' '), String(user.disabledAt !== null)];
      process.stdout.write(`${[...fields, user.createdAt.toISOString()].join('\t')}\n`);
    }
    after = page.hasNextPage ? (page.endCursor ?? undefined) : undefined;
  } while (after);
  return 0;
}

/** Entry point of `npm run user:create` and `npm run user:list`. */
async function main([command, ...argv]: string[]): Promise<number> {
  if (command !== 'create' && command !== 'list') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  loadDotenv({ quiet: true });
  const logger = createLogger('warn', process.stderr);
  const { services } = await assembleServices(parseConfig(process.env), { logger });
  try {
    return command === 'create' ? await create(services, argv) : await list(services);
  } finally {
    await services.close();
  }
}

/** Operators need the reason, including a database's own; the API's clients never see these lines. */
function explain(error: unknown): { message: string; code: number } {
  if (error instanceof ServiceUnavailableError) {
    return { message: `database unavailable: ${describeError(error.cause)}`, code: 1 };
  }
  if (error instanceof AppError) return { message: error.message, code: 1 };
  if (String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
    return { message: `${(error as Error).message}\n\n${USAGE}`, code: 2 };
  }
  return { message: `failed: ${describeError(error)}`, code: 1 };
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    const { message, code } = explain(error);
    process.stderr.write(`${message}\n`);
    process.exitCode = code;
  },
);

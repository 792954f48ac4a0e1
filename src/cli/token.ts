import 'reflect-metadata';
import { config as loadDotenv } from 'dotenv';
import { loadRuntime } from '../bootstrap';
import { parseDurationSeconds } from '../config';
import { readCommandLine } from './command-line';

const USAGE = `Usage: npm run token -- --sub <subject> --username <name> [--scope <scope>]... [--ttl <duration>]

Prints a signed access token on stdout (and nothing else), using the same configuration as the server.
  --sub        token subject (sub), e.g. a user id           (required)
  --username   the name the greeting uses                     (required)
  --scope      a scope to grant; repeat it or space-separate  (optional)
  --ttl        lifetime: seconds or 15m, 1h...; default JWT_TTL, at most JWT_MAX_TTL
Only these claims can be set: tokens are signed, not encrypted, so they carry nothing sensitive.`;

/** Entry point of `npm run token`: diagnostics on stderr, the token alone on stdout. */
function main(argv: string[]): number {
  const options = {
    sub: { type: 'string' },
    username: { type: 'string' },
    scope: { type: 'string', multiple: true },
    ttl: { type: 'string' },
  } as const;
  const line = readCommandLine(argv, options, USAGE);
  if ('exitCode' in line) return line.exitCode;
  const { values } = line;
  if (!values.sub || !values.username) {
    process.stderr.write(`--sub and --username are required\n\n${USAGE}\n`);
    return 2;
  }
  const ttlSeconds = values.ttl === undefined ? undefined : parseDurationSeconds(values.ttl);
  if (values.ttl !== undefined && ttlSeconds === undefined) {
    process.stderr.write(`--ttl: expected seconds or a duration such as 15m or 1h\n`);
    return 2;
  }

  loadDotenv({ quiet: true });
  try {
    const { tokens, warnings } = loadRuntime(process.env);
    for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
    const issued = tokens.issue({
      subject: values.sub,
      username: values.username,
      scopes: (values.scope ?? []).flatMap((scope) => scope.split(' ')).filter(Boolean),
      ...(ttlSeconds !== undefined && { ttlSeconds }),
    });
    process.stdout.write(`${issued.token}\n`);
    process.stderr.write(
      `token for sub=${values.sub} scopes=[${issued.scopes.join(' ')}] expires ${issued.expiresAt.toISOString()}\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));

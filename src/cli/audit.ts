import 'reflect-metadata';
import { config as loadDotenv } from 'dotenv';
import { AUDIT_EVENT_TYPES, type AuditEventType } from '../audit/audit-trail';
import { assembleServices } from '../assembly';
import { parseConfig } from '../config';
import { parseDurationSeconds } from '../config/env-reader';
import { describeError, ServiceUnavailableError } from '../errors';
import { createLogger } from '../logger';
import { readCommandLine } from './command-line';
import { terminalSafeJson } from './terminal-safe';

const USAGE = `Usage: npm run audit -- [--since <duration>] [--user <username>] [--type <event type>]
  Prints the audit trail's events since then (default 1h: "15m", "24h", "7d"), oldest first, one JSON
  object per line (control, bidi and format characters written as \\u escapes); --user narrows it to one
  account, --type to one event type:
  ${AUDIT_EVENT_TYPES.join(', ')}.
Uses the same configuration (DATABASE_URL...) as the server.`;

/** Entry point of `npm run audit`. @returns the exit code */
async function main(argv: string[]): Promise<number> {
  const parsed = readCommandLine(
    argv,
    { since: { type: 'string' }, user: { type: 'string' }, type: { type: 'string' } },
    USAGE,
  );
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values } = parsed;
  const seconds = parseDurationSeconds(values.since ?? '1h');
  if (seconds === undefined || seconds < 1) {
    process.stderr.write(`--since: expected a duration such as "15m", "24h" or "7d"\n\n${USAGE}\n`);
    return 2;
  }
  if (values.type !== undefined && !AUDIT_EVENT_TYPES.includes(values.type as AuditEventType)) {
    process.stderr.write(`--type: not an event type\n\n${USAGE}\n`);
    return 2;
  }
  loadDotenv({ quiet: true });
  const logger = createLogger('warn', process.stderr);
  const { services } = await assembleServices(parseConfig(process.env), { logger });
  try {
    let userId: string | undefined;
    if (values.user !== undefined) {
      userId = (await services.users.findByUsername(values.user))?.id;
      if (!userId) {
        process.stderr.write(`no user is named ${JSON.stringify(values.user)}\n`);
        return 1;
      }
    }
    const filter = {
      ...(userId && { userId }),
      ...(values.type && { type: values.type as AuditEventType }),
    };
    for await (const event of services.auditLog.since(Date.now() - seconds * 1000, filter)) {
      process.stdout.write(`${terminalSafeJson({ ...event, at: new Date(event.at).toISOString() })}\n`);
    }
    return 0;
  } finally {
    await services.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    const reason =
      error instanceof ServiceUnavailableError ? describeError(error.cause) : describeError(error);
    process.stderr.write(`audit failed: ${reason}\n`);
    process.exitCode = 1;
  },
);

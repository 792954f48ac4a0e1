import pino, { type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { type LogLevel, type RuntimeEnv } from './config';

/** Wherever a request or a header might be logged, credentials are replaced. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.refreshToken',
  '*.accessToken',
];

export type LogFormat = 'json' | 'pretty';

/**
 * How lines are written: readable for a developer watching a terminal, JSON wherever a program reads them
 * (a pipe, a file, a container's log collector) and always in production.
 */
export function logFormatFor(env: RuntimeEnv, stdoutIsTerminal: boolean): LogFormat {
  return env === 'development' && stdoutIsTerminal ? 'pretty' : 'json';
}

/**
 * The one logger: the request plugin writes each GraphQL request's line with it, the server its
 * failures outside GraphQL, and services their security events. (fastify itself has no logger: server.ts.)
 * @param stream where lines go (stdout when absent); tests pass one to read them
 * @param format `pretty` formats each line for a terminal (pino-pretty, in-process); redaction applies first
 */
export function createLogger(
  level: LogLevel,
  stream?: { write(line: string): void },
  format: LogFormat = 'json',
): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' } };
  if (format === 'pretty') {
    // Formatted in-process (no transport thread), and terminals are written synchronously, so a line
    // logged just before process.exit is not lost.
    const formatLine = prettyFactory({ ignore: 'pid,hostname', colorize: !stream });
    const out = stream ?? process.stdout;
    return pino(options, { write: (line: string) => out.write(formatLine(line)) });
  }
  return stream ? pino(options, stream) : pino(options);
}

/**
 * What a failure outside GraphQL leaves in the log (a body over the limit, malformed JSON, an unknown media
 * type, an error in a route): the request id, the status and fastify's code and message; at info for the
 * client's mistakes, at error for ours. Never the request's headers or body, and no stack.
 */
export function logRouteFailure(log: Logger, reqId: string, error: Error): void {
  const { statusCode, code } = error as { statusCode?: number; code?: string };
  // fastify's default handler answers anything without a 4xx/5xx status as 500.
  const status = statusCode !== undefined && statusCode >= 400 ? statusCode : 500;
  // Not under `err`, which pino's serializer would fill out with a stack.
  const line = { reqId, statusCode: status, error: { code, message: error.message } };
  if (status >= 500) log.error(line, 'request failed');
  else log.info(line, 'request refused');
}

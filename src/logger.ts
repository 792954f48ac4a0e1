import pino, { type Logger } from 'pino';
import { type LogLevel } from './config';

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

/**
 * The one JSON logger: the request plugin writes each GraphQL request's line with it, the server its
 * failures outside GraphQL, and services their security events. (fastify itself has no logger: server.ts.)
 * @param stream where lines go (stdout when absent); tests pass one to read them
 */
export function createLogger(level: LogLevel, stream?: { write(line: string): void }): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' } };
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

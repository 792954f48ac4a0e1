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
 * The one JSON logger: fastify logs requests through it and services log security events with it.
 * @param stream where lines go (stdout when absent); tests pass one to read them
 */
export function createLogger(level: LogLevel, stream?: { write(line: string): void }): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' } };
  return stream ? pino(options, stream) : pino(options);
}

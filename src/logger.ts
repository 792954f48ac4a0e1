import pino, { type Logger } from 'pino';
import { type FastifyBaseLogger } from 'fastify';
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

/**
 * fastify's `childLoggerFactory`: the request's logger (bound to its request id) is made the first time the
 * request logs at an enabled level. pino's child() serialises its bindings through the redaction paths, a
 * cost every request paid even when nothing is logged, as at `warn` (measured in bench/README.md).
 */
export function lazyChildLogger(
  parent: Logger,
  bindings: pino.Bindings,
  options: pino.ChildLoggerOptions,
): FastifyBaseLogger {
  let child: Logger | undefined;
  const real = () => (child ??= parent.child(bindings, options));
  const forward = (level: pino.Level): pino.LogFn =>
    function log(this: unknown, ...args: Parameters<pino.LogFn>) {
      // The child shares its parent's level: a disabled level needs no child.
      if (parent.isLevelEnabled(level)) real()[level](...args);
    };
  return {
    get level() {
      return (child ?? parent).level;
    },
    set level(level: string) {
      real().level = level;
    },
    silent: () => undefined,
    fatal: forward('fatal'),
    error: forward('error'),
    warn: forward('warn'),
    info: forward('info'),
    debug: forward('debug'),
    trace: forward('trace'),
    child: (childBindings, childOptions) => real().child(childBindings, childOptions),
  };
}

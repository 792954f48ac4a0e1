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
 * fastify's per-request logger (`childLoggerFactory`), bound to the request id, whose pino child is made the
 * first time the request logs at an enabled level. pino's child() serialises its bindings through the
 * redaction paths, a cost every request paid even when nothing is logged, as at `warn` (bench/README.md).
 * A class, so a request allocates one object rather than a closure per level.
 */
export class LazyChildLogger implements FastifyBaseLogger {
  #child: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: pino.Bindings,
    private readonly options: pino.ChildLoggerOptions,
  ) {}

  private real(): Logger {
    return (this.#child ??= this.parent.child(this.bindings, this.options));
  }

  /** The child shares its parent's level: a disabled level needs no child. */
  private log(level: pino.Level, args: Parameters<pino.LogFn>): void {
    if (this.parent.isLevelEnabled(level)) this.real()[level](...args);
  }

  get level(): string {
    return (this.#child ?? this.parent).level;
  }

  set level(level: string) {
    this.real().level = level;
  }

  fatal(...args: Parameters<pino.LogFn>): void {
    this.log('fatal', args);
  }
  error(...args: Parameters<pino.LogFn>): void {
    this.log('error', args);
  }
  warn(...args: Parameters<pino.LogFn>): void {
    this.log('warn', args);
  }
  info(...args: Parameters<pino.LogFn>): void {
    this.log('info', args);
  }
  debug(...args: Parameters<pino.LogFn>): void {
    this.log('debug', args);
  }
  trace(...args: Parameters<pino.LogFn>): void {
    this.log('trace', args);
  }
  silent(): void {}

  child(bindings: pino.Bindings, options?: pino.ChildLoggerOptions): FastifyBaseLogger {
    return this.real().child(bindings, options);
  }
}

import { type FastifyInstance } from 'fastify';
import { type LogEvent } from 'kysely';
import { type Authenticate } from '../auth/authenticate';

/**
 * What the rest of the application knows of tracing: hooks it installs only when it is given one. The
 * implementation (tracing.ts) and OpenTelemetry are loaded only when tracing is configured.
 */
export interface Tracing {
  /** A span per GraphQL HTTP request, continuing the caller's `traceparent`. */
  instrumentServer(app: FastifyInstance): void;
  /** `authenticate`, with a child span per token verification. */
  traceAuthenticate(authenticate: Authenticate): Authenticate;
  /** Runs one permission-map check (`field` is `Type.field`) in a span of its own. */
  tracePermissionCheck<T>(field: string, check: () => T): T;
  /** A span for a query that has just run. */
  onQuery(event: LogEvent, engine: 'sqlite' | 'postgres'): void;
  /** Names the request's span by its operation and records its outcome and the caller's subject. */
  annotateRequest(details: {
    operationName: string | null;
    operationType: string | undefined;
    outcome: string;
    subject: string | undefined;
  }): void;
  /** The trace id of the active span, for log lines. */
  currentTraceId(): string | undefined;
  /** Sends what is still batched. */
  shutdown(): Promise<void>;
}

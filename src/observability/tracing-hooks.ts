import { type FastifyInstance } from 'fastify';
import { type GraphQLResolveInfo } from 'graphql';
import { type LogEvent } from 'kysely';

/**
 * What the rest of the application knows of tracing: hooks it installs only when it is given one. The
 * implementation (tracing.ts) and OpenTelemetry are loaded only when tracing is configured.
 */
export interface Tracing {
  /** A span per GraphQL HTTP request, continuing the caller's `traceparent`. */
  instrumentServer(app: FastifyInstance): void;
  /** Runs a token's full verification (not a cache hit) in a child span: its outcome, never the token. */
  traceVerification<T>(verify: () => Promise<T>): Promise<T>;
  /** Records a permission-map decision on the request's span, as an event. */
  recordDecision(info: Pick<GraphQLResolveInfo, 'parentType' | 'fieldName'>, allowed: boolean): void;
  /** A span for a query a traced request has just run. */
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

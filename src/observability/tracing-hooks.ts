import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { type LogEvent } from 'kysely';
import { type VerificationObserver } from '../auth/token-verifier';

/**
 * What the rest of the application knows of tracing: hooks it installs only when it is given one. The
 * implementation (tracing.ts) and OpenTelemetry are loaded only when tracing is configured.
 */
export interface Tracing {
  /** A span per GraphQL HTTP request, continuing the caller's `traceparent`. */
  instrumentServer(app: FastifyInstance): void;
  /** The trace of `request` when it is being recorded; undefined for a request the sampler left out. */
  requestTrace(request: FastifyRequest): RequestTrace | undefined;
  /**
   * Wraps the schema's resolvers so that the database queries of a recorded operation find its request
   * (the operations that read only the token, see graphql/token-only.ts, are left out).
   */
  instrumentSchema(schema: GraphQLSchema): GraphQLSchema;
  /** A span for a query a traced request has just run. */
  onQuery(event: LogEvent, engine: 'sqlite' | 'postgres'): void;
  /** Sends what is still batched. */
  shutdown(): Promise<void>;
}

/**
 * One recorded request, handed along explicitly (in the GraphQL context, to the token check) rather than
 * looked up from an async context that every promise of the process would pay for.
 */
export interface RequestTrace extends VerificationObserver {
  /** For log lines: a trace leads to its log and back. */
  readonly traceId: string;
  /** Records a permission-map decision on the request's span, as an event. */
  recordDecision(info: Pick<GraphQLResolveInfo, 'parentType' | 'fieldName'>, allowed: boolean): void;
  /** Names the request's span by its operation and records its outcome and the caller's subject. */
  annotate(details: {
    operationName: string | null;
    operationType: string | undefined;
    outcome: string;
    subject: string | undefined;
  }): void;
}

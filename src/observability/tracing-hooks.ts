import { type FastifyRequest, type onRequestHookHandler } from 'fastify';
import { type GraphQLSchema } from 'graphql';
import { type LogEvent } from 'kysely';
import { type RequestTrace } from '../request-context';

/**
 * What the rest of the application knows of tracing: hooks it installs only when it is given one. The
 * implementation (tracing.ts) and OpenTelemetry are loaded only when tracing is configured.
 */
export interface Tracing {
  /** The GraphQL route's onRequest hook: a span per recorded request, continuing its `traceparent`. */
  readonly startRequest: onRequestHookHandler;
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

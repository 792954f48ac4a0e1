import { HeaderMap } from '@apollo/server';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { type Logger } from 'pino';
import { type Authenticate } from '../auth/authenticate';
import { AuthError } from '../errors';
import { type Metrics } from '../observability/metrics';
import { type RequestContext, type RequestTrace } from '../request-context';
import { toGraphQLError } from './graphql-error';
import { REQUEST_ID_HEADER } from './request-id';
import { errorHttp } from './response-status';

export interface ContextFunctionOptions {
  readonly authenticate: Authenticate;
  /** The `realm` of WWW-Authenticate challenges. */
  readonly realm: string;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** The request's trace, when tracing is on and records it. */
  readonly requestTrace?: (request: FastifyRequest) => RequestTrace | undefined;
}

/**
 * @returns Apollo's context function for fastify: the caller's identity from the Authorization header
 * (auth/authenticate.ts), where the request came from, and its id. A refused credential fails the whole
 * request with 401 and an RFC 6750 challenge. It decides who the caller is, never what the caller may do
 * (that is the permission map's job).
 */
export function createContextFunction({
  authenticate,
  realm,
  log,
  metrics,
  requestTrace,
}: ContextFunctionOptions) {
  return async function context(request: FastifyRequest, reply: FastifyReply): Promise<RequestContext> {
    // Straight on fastify's reply, refusals included: cheaper than through Apollo's response headers.
    void reply.header(REQUEST_ID_HEADER, request.id);
    const trace = requestTrace?.(request);
    try {
      // A fresh object per request: graphql-shield keeps its per-request rule cache on the context.
      return {
        identity: await authenticate(request.headers.authorization, trace),
        client: { ip: request.ip, userAgent: request.headers['user-agent'] },
        requestId: request.id,
        startedAt: performance.now(),
        trace,
      };
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      metrics.authFailure(error.reason);
      // The reason and the failed check, never the token or anything read from it.
      log.info(
        {
          reqId: request.id,
          ...(trace && { traceId: trace.traceId }),
          auth: { reason: error.reason, check: error.detail },
        },
        'credential refused',
      );
      throw unauthenticated(error, realm);
    }
  };
}

/** Apollo answers a context failure itself, without plugins: `extensions.http` sets its status and headers. */
function unauthenticated(error: AuthError, realm: string): GraphQLError {
  const { message, extensions } = toGraphQLError(error);
  const { status, headers } = errorHttp(realm, [{ message, extensions }])!;
  const http = { status, headers: new HeaderMap(headers) };
  const withHttp: Record<string, unknown> = { ...extensions, http };
  return new GraphQLError(message, { extensions: withHttp });
}

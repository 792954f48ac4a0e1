import { HeaderMap } from '@apollo/server';
import { type FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { type Logger } from 'pino';
import { AuthError, toGraphQLError } from '../errors';
import { readBearerToken } from './bearer';
import { ANONYMOUS, identityFromToken, type RequestContext } from './identity';
import { type TokenService } from './token-service';
import { bearerChallenge } from './www-authenticate';

export interface ContextFunctionOptions {
  readonly tokens: TokenService;
  /** The `realm` of WWW-Authenticate challenges. */
  readonly realm: string;
  readonly log: Logger;
}

/**
 * @returns Apollo's context function: no Authorization header gives an anonymous identity, a verified token
 * gives its identity, and anything else fails the whole request with 401 and an RFC 6750 challenge.
 * It decides who the caller is, never what the caller may do (that is the permission map's job).
 */
export function createContextFunction({ tokens, realm, log }: ContextFunctionOptions) {
  return async function context(request: FastifyRequest): Promise<RequestContext> {
    try {
      const token = readBearerToken(request.headers.authorization);
      // A fresh object per request: graphql-shield keeps its per-request rule cache on the context.
      return {
        identity: token === undefined ? ANONYMOUS : identityFromToken(await tokens.verify(token)),
        client: { ip: request.ip, userAgent: request.headers['user-agent'] },
        requestId: request.id,
        startedAt: performance.now(),
      };
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      // The reason and the failed check, never the token or anything read from it.
      log.info(
        { reqId: request.id, auth: { reason: error.reason, check: error.detail } },
        'credential refused',
      );
      throw unauthenticated(error, realm);
    }
  };
}

function unauthenticated(error: AuthError, realm: string): GraphQLError {
  const { message, extensions } = toGraphQLError(error);
  // Apollo reads `http` off the extensions to set the status and the challenge header of the response.
  const http = {
    status: 401,
    headers: new HeaderMap([['www-authenticate', bearerChallenge(realm, error.reason)]]),
  };
  const withHttp: Record<string, unknown> = { ...extensions, http };
  return new GraphQLError(message, { extensions: withHttp });
}

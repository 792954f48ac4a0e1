import { type ApolloServerPlugin, type GraphQLRequestListener } from '@apollo/server';
import { type AuthFailureReason } from '../errors';
import { type RequestContext } from './identity';
import { bearerChallenge, insufficientScopeChallenge } from './www-authenticate';

/**
 * Gives a response the RFC 6750 status and challenge when authorization is the only reason it carries no
 * data: 401 when a token is needed, 403 when scopes are missing. A response with any data stays 200 so
 * clients keep partial results (the GraphQL-over-HTTP rule for field errors).
 */
export function authChallengePlugin(realm: string): ApolloServerPlugin<RequestContext> {
  const listener: GraphQLRequestListener<RequestContext> = {
    async willSendResponse({ response }) {
      if (response.body.kind !== 'single') return;
      const { data, errors } = response.body.singleResult;
      if (data != null || !errors?.length) return;
      const codes = errors.map((error) => error.extensions?.code);
      if (!codes.every((code) => code === 'UNAUTHENTICATED' || code === 'FORBIDDEN')) return;

      const unauthenticated = errors.find((error) => error.extensions?.code === 'UNAUTHENTICATED');
      if (unauthenticated) {
        const reason = (unauthenticated.extensions?.reason as AuthFailureReason) ?? 'AUTHENTICATION_REQUIRED';
        response.http.status = 401;
        response.http.headers.set('www-authenticate', bearerChallenge(realm, reason));
        return;
      }
      response.http.status = 403;
      const scopes = new Set(errors.flatMap((error) => (error.extensions?.requiredScopes as string[]) ?? []));
      if (scopes.size > 0)
        response.http.headers.set('www-authenticate', insufficientScopeChallenge(realm, [...scopes]));
    },
  };
  return { requestDidStart: async () => listener };
}

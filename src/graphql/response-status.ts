import { type GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { type GraphQLFormattedError } from 'graphql';
import { type RequestContext } from '../auth/identity';
import { bearerChallenge, insufficientScopeChallenge } from '../auth/www-authenticate';
import { type AuthFailureReason } from '../errors';

/** HTTP statuses for error codes that say something about the request as a whole, strongest first. */
const STATUS_BY_CODE: ReadonlyArray<[code: string, status: number]> = [
  ['SERVICE_UNAVAILABLE', 503],
  ['UNAUTHENTICATED', 401],
  ['TOO_MANY_REQUESTS', 429],
  ['FORBIDDEN', 403],
];
const MAPPED = new Set(STATUS_BY_CODE.map(([code]) => code));
/** How long clients should wait before retrying a 503. */
const UNAVAILABLE_RETRY_SECONDS = 5;

const codeOf = (error: GraphQLFormattedError) => error.extensions?.code as string | undefined;

/**
 * Gives a response an HTTP status (and RFC 6750 challenge or Retry-After) when errors of these codes are the
 * only reason it carries no data: 401 when a token is needed, 403 when scopes are missing, 429 when
 * throttled, 503 when the database is down. A response with any data stays 200 so clients keep partial
 * results (the GraphQL-over-HTTP rule for field errors).
 *
 * Every response is `Cache-Control: no-store`: they carry personal data and tokens (RFC 6749 §5.1, RFC 6750
 * §5.3). Apollo's cache-control plugin, turned off in server.ts for its per-field cost, sent the same.
 */
export function responseStatus(
  realm: string,
): (context: GraphQLRequestContextWillSendResponse<RequestContext>) => void {
  return function setStatus({ response }) {
    response.http.headers.set('cache-control', 'no-store');
    if (response.body.kind !== 'single') return;
    const { data, errors } = response.body.singleResult;
    if (data != null || !errors?.length || !errors.every((error) => MAPPED.has(codeOf(error) ?? ''))) return;
    const [code, status] = STATUS_BY_CODE.find(([candidate]) =>
      errors.some((error) => codeOf(error) === candidate),
    )!;
    const matching = errors.filter((error) => codeOf(error) === code);
    const { headers } = response.http;
    response.http.status = status;

    if (code === 'UNAUTHENTICATED') {
      const reason = (matching[0]?.extensions?.reason as AuthFailureReason) ?? 'AUTHENTICATION_REQUIRED';
      headers.set('www-authenticate', bearerChallenge(realm, reason));
    } else if (code === 'FORBIDDEN') {
      const scopes = new Set(
        matching.flatMap((error) => (error.extensions?.requiredScopes as string[]) ?? []),
      );
      if (scopes.size > 0) headers.set('www-authenticate', insufficientScopeChallenge(realm, [...scopes]));
    } else if (code === 'TOO_MANY_REQUESTS') {
      const wait = Math.max(...matching.map((error) => Number(error.extensions?.retryAfterSeconds) || 1));
      headers.set('retry-after', String(wait));
    } else {
      headers.set('retry-after', String(UNAVAILABLE_RETRY_SECONDS));
    }
  };
}

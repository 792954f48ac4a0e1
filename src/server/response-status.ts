import { type GraphQLFormattedError } from 'graphql';
import Negotiator from 'negotiator';
import { bearerChallenge, insufficientScopeChallenge } from '../auth/www-authenticate';
import { type AuthFailureReason, errorSpec } from '../errors';
import { type ResponseContext } from './response-context';

/** When errors of several codes leave a response without data, the first of these statuses wins. */
const STATUS_PRECEDENCE = [503, 401, 429, 403, 400];
/** How long clients should wait before retrying a 503. */
const UNAVAILABLE_RETRY_SECONDS = 5;

export interface ErrorHttp {
  readonly status: number;
  readonly headers: ReadonlyArray<[name: string, value: string]>;
}

const statusOf = (error: GraphQLFormattedError) => errorSpec(error.extensions?.code)?.status;

/**
 * The HTTP status and headers of a response that `errors` alone leave without data, from the error table:
 * 401 with an RFC 6750 challenge, 403 with an insufficient_scope challenge, 429 or 503 with Retry-After,
 * 400 for the query limits. Undefined when any error is a field error (the response stays 200) or not ours.
 */
export function errorHttp(realm: string, errors: readonly GraphQLFormattedError[]): ErrorHttp | undefined {
  const statuses = errors.map(statusOf);
  if (statuses.length === 0 || statuses.some((status) => status === undefined)) return undefined;
  const status = STATUS_PRECEDENCE.find((candidate) => statuses.includes(candidate))!;
  const matching = errors.filter((error) => statusOf(error) === status);
  if (status === 401) {
    const reason = (matching[0]?.extensions?.reason as AuthFailureReason) ?? 'AUTHENTICATION_REQUIRED';
    return { status, headers: [['www-authenticate', bearerChallenge(realm, reason)]] };
  }
  if (status === 403) {
    const scopes = new Set(matching.flatMap((error) => (error.extensions?.requiredScopes as string[]) ?? []));
    const challenge = insufficientScopeChallenge(realm, [...scopes]);
    return { status, headers: scopes.size > 0 ? [['www-authenticate', challenge]] : [] };
  }
  if (status === 429) {
    const wait = Math.max(...matching.map((error) => Number(error.extensions?.retryAfterSeconds) || 1));
    return { status, headers: [['retry-after', String(wait)]] };
  }
  if (status === 503) return { status, headers: [['retry-after', String(UNAVAILABLE_RETRY_SECONDS)]] };
  return { status, headers: [] };
}

/** The media types Apollo chooses between for a single result, in its order. */
const RESULT_MEDIA_TYPES = ['application/json', 'application/graphql-response+json'];

/**
 * Whether no root field produced data: `data` is null, or every root field is (root mutation fields are
 * nullable so that a failing one does not hide the ones that ran before it; see mutation-field.ts).
 */
function producedNoData(data: Record<string, unknown> | null | undefined): boolean {
  // A root `__typename` is not a root field having run: `{ __typename forbidden }` is still refused.
  return data == null || Object.entries(data).every(([key, value]) => value === null || key === '__typename');
}

/**
 * Gives a response in which no field produced data the status and headers of {@link errorHttp}. A
 * response with any data stays 200 so clients keep partial results (the GraphQL-over-HTTP rule for field
 * errors). A client that negotiated `application/graphql-response+json` always gets 2xx when `data` is
 * present, even with every field null: there the spec makes it a MUST.
 *
 * Every response is `Cache-Control: no-store` (its `X-Request-Id` is set by the context function): they carry personal data and tokens (RFC 6749 §5.1, RFC 6750
 * §5.3). Apollo's cache-control plugin, turned off in apollo.ts for its per-field cost, sent the same.
 */
export function responseStatus(realm: string): (context: ResponseContext) => void {
  return function setStatus({ request, response, requestIsBatched }) {
    response.http.headers.set('cache-control', 'no-store');
    // A batch shares one HTTP status among operations that may each succeed or fail: it stays 200 and each
    // result carries its own errors (one operation's 403 would otherwise hide the others' data).
    if (requestIsBatched || response.body.kind !== 'single') return;
    const { data, errors } = response.body.singleResult;
    // Apollo's own refusals already carry their precise status (405 for a mutation over GET): kept.
    if (!errors || !producedNoData(data) || (response.http.status ?? 200) !== 200) return;
    if (data != null && negotiatesGraphQLResponse(request.http?.headers.get('accept'))) return;
    const http = errorHttp(realm, errors);
    if (!http) return;
    response.http.status = http.status;
    for (const [name, value] of http.headers) response.http.headers.set(name, value);
  };
}

function negotiatesGraphQLResponse(accept: string | undefined): boolean {
  if (!accept) return false;
  return new Negotiator({ headers: { accept } }).mediaType(RESULT_MEDIA_TYPES) === RESULT_MEDIA_TYPES[1];
}

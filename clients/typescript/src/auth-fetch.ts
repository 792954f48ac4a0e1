import {
  type AuthSession,
  type ClientAwareness,
  clientAwarenessHeaders,
  errorReason,
} from './auth-session.js';
import { isPublicQuery } from './public-operations.js';

function withAuthorization(
  headers: RequestInit['headers'],
  token: string | undefined,
  client: ClientAwareness | undefined,
): Headers {
  const merged = new Headers(headers);
  // The app's own headers win over the session's name and version.
  for (const [name, value] of Object.entries(clientAwarenessHeaders(client))) {
    if (!merged.has(name)) merged.set(name, value);
  }
  if (token) merged.set('authorization', `Bearer ${token}`);
  else merged.delete('authorization');
  return merged;
}

/** The operation of a POST body, when it is the JSON of one GraphQL request. */
function operationOf(
  body: RequestInit['body'],
): { query: string; operationName?: string | null } | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const parsed = JSON.parse(body) as { query?: unknown; operationName?: string | null };
    return typeof parsed.query === 'string'
      ? { query: parsed.query, operationName: parsed.operationName }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A `fetch` for GraphQL clients that take one (graphql-request, urql, plain calls): it adds the session's
 * access token to every request but `login` and `refreshToken` (and the session's client name and version to
 * all of them), and when the API answers 401
 * `TOKEN_EXPIRED` it refreshes once (shared with every request failing at the same time) and sends the
 * request again. When the session has ended the 401 is returned as it came.
 */
export function createAuthFetch(
  session: AuthSession,
  baseFetch: typeof fetch = globalThis.fetch.bind(globalThis),
): typeof fetch {
  return async (input, init = {}) => {
    const operation = operationOf(init.body);
    if (operation && isPublicQuery(operation.query, operation.operationName)) {
      return baseFetch(input, {
        ...init,
        headers: withAuthorization(init.headers, undefined, session.client),
      });
    }
    const token = await session.accessToken();
    const send = (bearer: string | undefined) =>
      baseFetch(input, { ...init, headers: withAuthorization(init.headers, bearer, session.client) });
    const response = await send(token);
    if (response.status !== 401 || token === undefined) return response;
    const body: unknown = await response
      .clone()
      .json()
      .catch(() => undefined);
    if (errorReason(body) !== 'TOKEN_EXPIRED') return response;
    const fresh = await session.refresh(token);
    return fresh === undefined ? response : send(fresh);
  };
}

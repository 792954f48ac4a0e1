import { ApolloLink } from '@apollo/client';
import { ServerError } from '@apollo/client/errors';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { type DocumentNode, print } from 'graphql';
import { catchError, from, mergeMap, type Observable, of, throwError } from 'rxjs';
import { type AuthSession, errorReason } from './auth-session.js';
import { isPublicOperation } from './public-operations.js';

/** `TOKEN_EXPIRED`, whichever way Apollo Client delivered the 401: a result with errors, or a ServerError. */
function expired(resultOrError: unknown, asError: boolean): boolean {
  if (!asError) return errorReason(resultOrError) === 'TOKEN_EXPIRED';
  if (!ServerError.is(resultOrError) || resultOrError.statusCode !== 401) return false;
  try {
    return errorReason(JSON.parse(resultOrError.bodyText)) === 'TOKEN_EXPIRED';
  } catch {
    return false;
  }
}

/**
 * An Apollo Client 4 link that puts the session's access token on every operation but `login` and
 * `refreshToken`, and on a 401 `TOKEN_EXPIRED` refreshes once (one refresh for every operation failing
 * at the same time) and runs the operation again. Place it before the HttpLink:
 * `ApolloLink.from([createAuthLink(session), new HttpLink({ uri })])`.
 */
export function createAuthLink(session: AuthSession): ApolloLink {
  return new ApolloLink((operation, forward) => {
    if (isPublicOperation(operation.query, operation.operationName)) return forward(operation);
    const send = (token: string | undefined): Observable<ApolloLink.Result> => {
      operation.setContext(({ headers }: { headers?: Record<string, string> }) => {
        const { authorization: _stale, ...others } = headers ?? {};
        return { headers: token ? { ...others, authorization: `Bearer ${token}` } : others };
      });
      return forward(operation);
    };
    const retry = (token: string, otherwise: Observable<ApolloLink.Result>) =>
      from(session.refresh(token)).pipe(mergeMap((fresh) => (fresh === undefined ? otherwise : send(fresh))));
    return from(session.accessToken()).pipe(
      mergeMap((token) =>
        send(token).pipe(
          mergeMap((result) => (token && expired(result, false) ? retry(token, of(result)) : of(result))),
          catchError((error: unknown) =>
            token && expired(error, true)
              ? retry(
                  token,
                  throwError(() => error),
                )
              : throwError(() => error),
          ),
        ),
      ),
    );
  });
}

/** The hash codegen embedded in a generated document (`__meta__.hash`): its id in the trusted manifest. */
export function documentHash(document: DocumentNode): string | undefined {
  const hash = (document as { __meta__?: { hash?: unknown } }).__meta__?.hash;
  return typeof hash === 'string' ? hash : undefined;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Sends each operation by id instead of its text (Apollo's persisted-query protocol): the generated
 * documents' manifest hash, which the API resolves to the trusted text and which is all a server with
 * `TRUSTED_DOCUMENTS=only` accepts. A document of the app's own without a hash is sent by the SHA-256 of
 * its text, and with its text when the server does not know it (`allow` mode). Place it first:
 * `ApolloLink.from([createPersistedDocumentLink(), createAuthLink(session), new HttpLink({ uri })])`.
 * @param useGETForHashedQueries send queries by id as GET, which CDNs and browsers can cache
 */
export function createPersistedDocumentLink(options: { useGETForHashedQueries?: boolean } = {}): ApolloLink {
  return new PersistedQueryLink({
    generateHash: async (document) => documentHash(document) ?? sha256Hex(print(document)),
    useGETForHashedQueries: options.useGETForHashedQueries ?? false,
  });
}

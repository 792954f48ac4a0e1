import { ApolloLink } from '@apollo/client';
import { ServerError } from '@apollo/client/errors';
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

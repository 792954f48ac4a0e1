import { readBearerToken } from './bearer';
import { ANONYMOUS, type Identity } from './identity';
import { type TokenVerifier, type VerificationObserver } from './token-verifier';

/**
 * What a transport calls with the raw Authorization header value: no header is an anonymous caller, a
 * verified bearer token its identity.
 * @throws AuthError for any other header (another scheme, a malformed or refused token)
 */
export type Authenticate = (
  authorization: string | string[] | undefined,
  observer?: VerificationObserver,
) => Promise<Identity>;

/** @returns {@link Authenticate} over `tokens`; it decides who the caller is, never what it may do */
export function createAuthenticator(tokens: Pick<TokenVerifier, 'verify'>): Authenticate {
  return async (authorization, observer) => {
    const token = readBearerToken(authorization);
    return token === undefined ? ANONYMOUS : await tokens.verify(token, observer);
  };
}

import { type VerifiedToken } from './token-claims';

/** Who is calling, as far as the credential could tell. Permissions are decided elsewhere. */
export type Identity = AnonymousIdentity | AuthenticatedIdentity;

export interface AnonymousIdentity {
  readonly authenticated: false;
}

export interface AuthenticatedIdentity extends Omit<VerifiedToken, 'keyId'> {
  readonly authenticated: true;
}

export const ANONYMOUS: AnonymousIdentity = Object.freeze({ authenticated: false });

/**
 * Where a VerifiedToken keeps its identity. The verifier hands back the same VerifiedToken for a remembered
 * token, so its identity (frozen, hence shareable between requests) is built once and read as a property.
 * Not a WeakMap: with many users at once every request brings a token that is not remembered, and a WeakMap
 * entry per request cost more than building the identity (#26). Not enumerable: the token reads as before.
 */
const IDENTITY = Symbol('identity');

export function identityFromToken(token: VerifiedToken): AuthenticatedIdentity {
  const holder = token as VerifiedToken & { readonly [IDENTITY]?: AuthenticatedIdentity };
  const known = holder[IDENTITY];
  if (known) return known;
  const identity: AuthenticatedIdentity = Object.freeze({
    authenticated: true,
    issuer: token.issuer,
    local: token.local,
    subject: token.subject,
    username: token.username,
    scopes: Object.isFrozen(token.scopes) ? token.scopes : Object.freeze([...token.scopes]),
    grantedScopes: token.grantedScopes,
    expiresAt: token.expiresAt,
    tokenId: token.tokenId,
    actor: token.actor,
    sessionId: token.sessionId,
    issuedAt: token.issuedAt,
  });
  Object.defineProperty(token, IDENTITY, { value: identity });
  return identity;
}

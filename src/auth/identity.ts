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

// The token verifier hands back the same VerifiedToken for a remembered token, so its identity (frozen,
// hence shareable between requests) is built once too.
const identities = new WeakMap<VerifiedToken, AuthenticatedIdentity>();

export function identityFromToken(token: VerifiedToken): AuthenticatedIdentity {
  const known = identities.get(token);
  if (known) return known;
  const identity: AuthenticatedIdentity = Object.freeze({
    authenticated: true,
    issuer: token.issuer,
    local: token.local,
    subject: token.subject,
    username: token.username,
    scopes: Object.freeze([...token.scopes]),
    grantedScopes: token.grantedScopes,
    expiresAt: token.expiresAt,
    tokenId: token.tokenId,
    actor: token.actor,
    sessionId: token.sessionId,
    issuedAt: token.issuedAt,
  });
  identities.set(token, identity);
  return identity;
}

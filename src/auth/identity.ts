import { AuthError } from '../errors';
import { type VerifiedToken } from './token-service';

/** Who is calling, as far as the context function could tell. Permissions are decided elsewhere. */
export type Identity = AnonymousIdentity | AuthenticatedIdentity;

export interface AnonymousIdentity {
  readonly authenticated: false;
}

export interface AuthenticatedIdentity extends Omit<VerifiedToken, 'keyId'> {
  readonly authenticated: true;
}

export const ANONYMOUS: AnonymousIdentity = Object.freeze({ authenticated: false });

// The token service hands back the same VerifiedToken for a remembered token, so its identity (frozen,
// hence shareable between requests) is built once too.
const identities = new WeakMap<VerifiedToken, AuthenticatedIdentity>();

export function identityFromToken(token: VerifiedToken): AuthenticatedIdentity {
  const known = identities.get(token);
  if (known) return known;
  const identity: AuthenticatedIdentity = Object.freeze({
    authenticated: true,
    subject: token.subject,
    username: token.username,
    scopes: Object.freeze([...token.scopes]),
    expiresAt: token.expiresAt,
    tokenId: token.tokenId,
  });
  identities.set(token, identity);
  return identity;
}

/** Where the request came from: sessions record it and login throttling counts by it. */
export interface ClientInfo {
  readonly ip: string;
  readonly userAgent: string | undefined;
}

/**
 * The GraphQL context: who is calling and from where. Services reach resolvers through their
 * constructors, and what a caller may do is the permission map's business.
 */
export interface RequestContext {
  readonly identity: Identity;
  readonly client: ClientInfo;
  /** fastify's request id: in every log line of the request and in errors a user may report. */
  readonly requestId: string;
  /** performance.now() when the context was made: the request log's duration starts here. */
  readonly startedAt: number;
}

/**
 * The caller's identity in a resolver the permission map already guards. Throwing here keeps a resolver
 * safe if the map is ever wrong (defence in depth), so it should never fire.
 * @throws AuthError AUTHENTICATION_REQUIRED for an anonymous caller
 */
export function requireIdentity({ identity }: RequestContext): AuthenticatedIdentity {
  if (!identity.authenticated) throw new AuthError('AUTHENTICATION_REQUIRED');
  return identity;
}

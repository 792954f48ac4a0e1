import { type VerifiedToken } from './token-claims';

/** Who is calling, as far as the credential could tell. Permissions are decided elsewhere. */
export type Identity = AnonymousIdentity | AuthenticatedIdentity;

export interface AnonymousIdentity {
  readonly authenticated: false;
}

/**
 * A verified token as the caller's identity: one frozen object, made by the verifier when the token is
 * verified and handed to every request that brings the token again, so nothing is copied per request (with
 * many users at once, every request may bring a token not remembered: #26) and no request can change what
 * another sees.
 */
export interface AuthenticatedIdentity extends VerifiedToken {
  readonly authenticated: true;
}

export const ANONYMOUS: AnonymousIdentity = Object.freeze({ authenticated: false });

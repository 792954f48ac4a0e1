import { AuthError, type TokenFailureDetail } from '../errors';
import { isScopeToken, MAX_SCOPES } from '../scopes/scope-token';

/*
 * Reading claims out of a payload whose signature has already been verified. Each check fails with the
 * detail an operator reads in the log; clients only see the coarse reason.
 */

/** What a verified token says about its bearer, normalised across claim forms. */
export interface VerifiedToken {
  /** Who issued it: identities are (issuer, subject) pairs, never a subject alone. */
  readonly issuer: string;
  /** Issued by this API, so `subject` is one of its own accounts (or a service it minted for). */
  readonly local: boolean;
  readonly subject: string;
  readonly username: string;
  /** The scopes the token carries, as its claim lists them. */
  readonly scopes: readonly string[];
  /**
   * Those scopes and every scope they imply (SCOPE_HIERARCHY): what permission decisions read. Expanded once,
   * when the token is verified, and remembered with it.
   */
  readonly grantedScopes: ReadonlySet<string>;
  readonly expiresAt: Date;
  readonly tokenId: string | undefined;
  readonly keyId: string | undefined;
  /** RFC 8693 `act.sub`: who minted the token, for tokens from issueToken. */
  readonly actor: string | undefined;
  /** `sid`: the session (refresh-token family) a login, refresh or password change issued it for. */
  readonly sessionId: string | undefined;
  /** `iat` in seconds, with this API's milliseconds; undefined when the token has none. */
  readonly issuedAt: number | undefined;
}

export const MAX_SUBJECT_LENGTH = 255;
export const MAX_USERNAME_LENGTH = 100;
/**
 * Characters that change how text around them is shown, or are not shown at all: C0 and C1 controls (Cc),
 * format characters such as bidi overrides, zero-width spaces and joiners, the BOM (Cf), and line and
 * paragraph separators. A name holding one could pass for another ("admin" plus an invisible character).
 */
const INVISIBLE_OR_CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

const REASON_BY_DETAIL: Partial<Record<TokenFailureDetail, AuthError['reason']>> = {
  expired: 'TOKEN_EXPIRED',
  not_before: 'TOKEN_NOT_YET_VALID',
  issued_in_future: 'TOKEN_NOT_YET_VALID',
  revoked: 'TOKEN_REVOKED',
};

export function fail(detail: TokenFailureDetail): never {
  throw new AuthError(REASON_BY_DETAIL[detail] ?? 'TOKEN_INVALID', detail);
}

const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

export function isBoundedText(value: unknown, maxLength: number): value is string {
  return (
    typeof value === 'string' &&
    value.trim().length > 0 &&
    value.length <= maxLength &&
    !INVISIBLE_OR_CONTROL.test(value)
  );
}

/** exp is required and numeric; nbf and iat, when present, numeric and not in the future. */
export function checkTimes(payload: Record<string, unknown>, nowSeconds: number, tolerance: number): number {
  if (!isFiniteNumber(payload.exp)) fail('exp_missing');
  if (nowSeconds >= payload.exp + tolerance) fail('expired');
  if (payload.nbf !== undefined && (!isFiniteNumber(payload.nbf) || payload.nbf > nowSeconds + tolerance)) {
    fail(isFiniteNumber(payload.nbf) ? 'not_before' : 'claim_invalid');
  }
  if (payload.iat !== undefined && (!isFiniteNumber(payload.iat) || payload.iat > nowSeconds + tolerance)) {
    fail(isFiniteNumber(payload.iat) ? 'issued_in_future' : 'claim_invalid');
  }
  return payload.exp;
}

export function checkAudience(payload: Record<string, unknown>, audience: string): void {
  const aud = payload.aud;
  if (!(aud === audience || (Array.isArray(aud) && aud.includes(audience)))) fail('audience_mismatch');
}

/** RFC 8693 `act`: an object whose `sub` names the actor; absent for tokens nobody minted on another's behalf. */
export function readActor(payload: Record<string, unknown>): string | undefined {
  const act = payload.act;
  if (act === undefined) return undefined;
  const sub = typeof act === 'object' && act !== null ? (act as Record<string, unknown>).sub : undefined;
  if (!isBoundedText(sub, MAX_SUBJECT_LENGTH)) fail('claim_invalid');
  return sub;
}

/** `sid` (OpenID Connect): the session a token was issued for, when it names one. */
export function readSessionId(payload: Record<string, unknown>): string | undefined {
  if (payload.sid === undefined) return undefined;
  if (!isBoundedText(payload.sid, MAX_SUBJECT_LENGTH)) fail('claim_invalid');
  return payload.sid;
}

export function readSubject(payload: Record<string, unknown>): string {
  if (!isBoundedText(payload.sub, MAX_SUBJECT_LENGTH)) fail('subject_invalid');
  return payload.sub;
}

/** `claim` when the issuer names one; else `username`, else OIDC `preferred_username`. */
export function readUsername(payload: Record<string, unknown>, claim?: string): string {
  const username = claim
    ? payload[claim]
    : payload.username !== undefined
      ? payload.username
      : payload.preferred_username;
  if (!isBoundedText(username, MAX_USERNAME_LENGTH)) fail('username_invalid');
  return username;
}

/**
 * The scope claim {@link readScopes} reads first: `claim` when the issuer names one (its own property
 * only), else `scope`. When it is text, the scopes depend on that text alone (scope-sets.ts keys on it).
 */
export function scopeClaimOf(payload: Record<string, unknown>, claim?: string): unknown {
  if (!claim) return payload.scope;
  return Object.prototype.hasOwnProperty.call(payload, claim) ? payload[claim] : undefined;
}

/**
 * `claim` when the issuer names one (Auth0's `permissions` array, a namespaced claim), as a string or an
 * array; else the space-delimited `scope` string (RFC 8693), else an `scp` array.
 */
export function readScopes(payload: Record<string, unknown>, claim?: string): string[] {
  let scopes: unknown[];
  const value = scopeClaimOf(payload, claim);
  if (typeof value === 'string') {
    scopes = value.split(' ').filter(Boolean);
  } else if (value !== undefined) {
    // A named claim may be an array; `scope` is text only (RFC 8693), its array form being `scp`.
    if (!claim || !Array.isArray(value)) fail('scope_invalid');
    scopes = value;
  } else if (claim) {
    scopes = [];
  } else if (payload.scp !== undefined) {
    if (!Array.isArray(payload.scp)) fail('scope_invalid');
    scopes = payload.scp;
  } else {
    scopes = [];
  }
  if (scopes.length > MAX_SCOPES || !scopes.every(isScopeToken)) fail('scope_invalid');
  return [...new Set(scopes)];
}

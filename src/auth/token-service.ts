import { timingSafeEqual } from 'node:crypto';
import njwt from 'njwt';
import { AuthError, ForbiddenError, InputError, type TokenFailureDetail } from '../errors';
import { type KeyRing } from './key-ring';
import { checkScopes, isScopeToken, MAX_SCOPES, missingScopes } from './scopes';

/*
 * The only module that knows njwt exists. njwt builds and signs tokens and computes the HMAC that a
 * presented token must match; everything njwt's own Verifier gets wrong is done here instead:
 *  - it checks `exp`/`nbf` against the wall clock, without tolerance and before the signature, and treats a
 *    missing or non-numeric `exp` as "never expires" -> we require a numeric exp and use an injected clock;
 *  - it does not check `iss`/`aud` -> we require both to match the configuration;
 *  - called without a key it accepts `alg: none` -> the algorithm and key come from configuration only,
 *    the header's `alg` must equal it, and a token without a signature is malformed;
 *  - it re-encodes signatures before comparing, so padding or trailing characters still verify, and
 *    compares with `===` -> we require the one canonical base64url form and compare in constant time.
 */

export const ALGORITHM = 'HS256';
/** Tokens are meant to be small (identity and scopes only); anything longer is refused unread. */
export const MAX_TOKEN_LENGTH = 4096;
const MAX_SUBJECT_LENGTH = 255;
const MAX_USERNAME_LENGTH = 100;
const HS256_SIGNATURE_BYTES = 32;
const SEGMENT = /^[A-Za-z0-9_-]+$/;
const ALLOWED_HEADER_KEYS = new Set(['alg', 'typ', 'kid']);
/** The only claims we put in a token: nothing else, and never anything sensitive. */
const ISSUE_INPUT_KEYS = new Set(['subject', 'username', 'scopes', 'ttlSeconds']);
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export interface IssueTokenInput {
  readonly subject: string;
  readonly username: string;
  readonly scopes: readonly string[];
  /** Defaults to the configured access-token lifetime; capped by the configured maximum. */
  readonly ttlSeconds?: number;
}

export interface IssuedToken {
  readonly token: string;
  readonly tokenId: string;
  readonly expiresAt: Date;
  readonly scopes: readonly string[];
}

/** What a verified token says about its bearer, normalised across claim forms. */
export interface VerifiedToken {
  readonly subject: string;
  readonly username: string;
  readonly scopes: readonly string[];
  readonly expiresAt: Date;
  readonly tokenId: string | undefined;
  readonly keyId: string;
}

export interface IssueOptions {
  /** When set, every requested scope must be in it: how an API caller is kept from escalating. */
  readonly grantableScopes?: readonly string[];
}

export interface TokenService {
  /**
   * @throws InputError (BAD_USER_INPUT) naming the offending field
   * @throws ForbiddenError when a requested scope is not grantable; nothing is issued
   */
  issue(input: IssueTokenInput, options?: IssueOptions): IssuedToken;
  /** @throws AuthError with a client-safe reason and an operator-facing detail */
  verify(token: string): VerifiedToken;
}

export interface TokenServiceOptions {
  readonly keyRing: KeyRing;
  readonly issuer: string;
  readonly audience: string;
  readonly accessTokenTtlSeconds: number;
  readonly maxTokenTtlSeconds: number;
  readonly clockToleranceSeconds: number;
  /** Milliseconds since the epoch; injected so tests control time. */
  readonly clock?: () => number;
}

const REASON_BY_DETAIL: Partial<Record<TokenFailureDetail, AuthError['reason']>> = {
  expired: 'TOKEN_EXPIRED',
  not_before: 'TOKEN_NOT_YET_VALID',
  issued_in_future: 'TOKEN_NOT_YET_VALID',
};

function fail(detail: TokenFailureDetail): never {
  throw new AuthError(REASON_BY_DETAIL[detail] ?? 'TOKEN_INVALID', detail);
}

function decodeJsonObject(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

function isBoundedText(value: unknown, maxLength: number): value is string {
  return (
    typeof value === 'string' &&
    value.trim().length > 0 &&
    value.length <= maxLength &&
    !CONTROL_CHARACTERS.test(value)
  );
}

function readScopes(payload: Record<string, unknown>): string[] {
  let scopes: unknown[];
  if (payload.scope !== undefined) {
    if (typeof payload.scope !== 'string') fail('scope_invalid');
    scopes = payload.scope.split(' ').filter(Boolean);
  } else if (payload.scp !== undefined) {
    if (!Array.isArray(payload.scp)) fail('scope_invalid');
    scopes = payload.scp;
  } else {
    scopes = [];
  }
  if (scopes.length > MAX_SCOPES || !scopes.every(isScopeToken)) fail('scope_invalid');
  return [...new Set(scopes)];
}

function readUsername(payload: Record<string, unknown>): string {
  const username = payload.username !== undefined ? payload.username : payload.preferred_username;
  if (!isBoundedText(username, MAX_USERNAME_LENGTH)) fail('username_invalid');
  return username;
}

/**
 * @returns a service that issues and verifies this API's HS256 access tokens with the given key ring
 */
export function createTokenService(options: TokenServiceOptions): TokenService {
  const { keyRing, issuer, audience, clockToleranceSeconds: tolerance } = options;
  const clock = options.clock ?? Date.now;
  // njwt's sign() is stateless; one instance serves every verification.
  const hmac = new njwt.Jwt({}, false);

  function issue(input: IssueTokenInput, { grantableScopes }: IssueOptions = {}): IssuedToken {
    const extra = Object.keys(input).filter((key) => !ISSUE_INPUT_KEYS.has(key));
    if (extra.length > 0) {
      throw new InputError(`Tokens carry only subject, username and scopes; refused: ${extra.join(', ')}`);
    }
    if (!isBoundedText(input.subject, MAX_SUBJECT_LENGTH)) {
      throw new InputError(`subject must be 1-${MAX_SUBJECT_LENGTH} printable characters`, 'subject');
    }
    if (!isBoundedText(input.username, MAX_USERNAME_LENGTH)) {
      throw new InputError(`username must be 1-${MAX_USERNAME_LENGTH} printable characters`, 'username');
    }
    const scopes = checkScopes(input.scopes);
    const ttl = input.ttlSeconds ?? options.accessTokenTtlSeconds;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > options.maxTokenTtlSeconds) {
      throw new InputError(`the lifetime must be 1-${options.maxTokenTtlSeconds} seconds`, 'expiresIn');
    }

    const missing = grantableScopes ? missingScopes(grantableScopes, scopes) : [];
    if (missing.length > 0) {
      throw new ForbiddenError(
        `You cannot grant scopes you do not hold: ${missing.join(', ')}.`,
        scopes,
        missing,
      );
    }
    const issuedAt = Math.floor(clock() / 1000);
    const claims: Record<string, string | number> = {
      iss: issuer,
      aud: audience,
      sub: input.subject,
      username: input.username,
      iat: issuedAt,
    };
    if (scopes.length > 0) claims.scope = scopes.join(' ');
    const jwt = njwt.create(claims, keyRing.active.secret, ALGORITHM);
    jwt.setHeader('kid', keyRing.active.id);
    jwt.setExpiration((issuedAt + ttl) * 1000);
    return {
      token: jwt.compact(),
      tokenId: jwt.body.toJSON().jti as string,
      expiresAt: new Date((issuedAt + ttl) * 1000),
      scopes,
    };
  }

  function verify(token: string): VerifiedToken {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) fail('too_long');
    const segments = token.split('.');
    if (segments.length !== 3 || !segments.every((segment) => SEGMENT.test(segment))) fail('malformed');
    const [encodedHeader, encodedPayload, signature] = segments as [string, string, string];

    const header = decodeJsonObject(encodedHeader);
    if (!header || !Object.keys(header).every((key) => ALLOWED_HEADER_KEYS.has(key))) fail('header_invalid');
    if (header.alg !== ALGORITHM) fail('alg_not_allowed');
    if (header.typ !== undefined && (typeof header.typ !== 'string' || header.typ.toUpperCase() !== 'JWT')) {
      fail('typ_not_allowed');
    }
    if (typeof header.kid !== 'string') fail('kid_missing');
    const key = keyRing.get(header.kid);
    if (!key) fail('kid_unknown');

    // Only the canonical encoding of exactly one HMAC-SHA256 output is a signature.
    const decoded = Buffer.from(signature, 'base64url');
    if (decoded.length !== HS256_SIGNATURE_BYTES || decoded.toString('base64url') !== signature) {
      fail('signature_encoding');
    }
    const expected = Buffer.from(hmac.sign(`${encodedHeader}.${encodedPayload}`, ALGORITHM, key.secret));
    if (!timingSafeEqual(expected, Buffer.from(signature))) fail('signature_mismatch');

    // From here on the claims are authentic; they are still checked before anyone trusts them.
    const payload = decodeJsonObject(encodedPayload);
    if (!payload) fail('payload_invalid');
    const now = clock() / 1000;
    if (!isFiniteNumber(payload.exp)) fail('exp_missing');
    if (now >= payload.exp + tolerance) fail('expired');
    if (payload.nbf !== undefined && (!isFiniteNumber(payload.nbf) || payload.nbf > now + tolerance)) {
      fail(isFiniteNumber(payload.nbf) ? 'not_before' : 'claim_invalid');
    }
    if (payload.iat !== undefined && (!isFiniteNumber(payload.iat) || payload.iat > now + tolerance)) {
      fail(isFiniteNumber(payload.iat) ? 'issued_in_future' : 'claim_invalid');
    }
    if (payload.iss !== issuer) fail('issuer_mismatch');
    const aud = payload.aud;
    if (!(aud === audience || (Array.isArray(aud) && aud.includes(audience)))) fail('audience_mismatch');
    if (!isBoundedText(payload.sub, MAX_SUBJECT_LENGTH)) fail('subject_invalid');
    if (payload.jti !== undefined && typeof payload.jti !== 'string') fail('claim_invalid');

    return {
      subject: payload.sub,
      username: readUsername(payload),
      scopes: readScopes(payload),
      expiresAt: new Date(payload.exp * 1000),
      tokenId: payload.jti,
      keyId: key.id,
    };
  }

  return { issue, verify };
}

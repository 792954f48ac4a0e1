import { type JsonWebKey, timingSafeEqual } from 'node:crypto';
import njwt from 'njwt';
import { ForbiddenError, InputError } from '../errors';
import { publicJwk } from './asymmetric-keys';
import { type KeyRing, type SigningKey, type VerificationKey } from './key-ring';
import { type KeySource } from './remote-key-set';
import { checkScopes, missingScopes } from './scopes';
import { decodeSignature, verifyAsymmetric } from './signature';
import {
  checkAudience,
  checkTimes,
  fail,
  isBoundedText,
  MAX_SUBJECT_LENGTH,
  MAX_USERNAME_LENGTH,
  readScopes,
  readSubject,
  readUsername,
} from './token-claims';

/*
 * The only module that knows njwt exists. njwt builds and signs tokens (HS256, RS256, ES256) and computes
 * the HMAC an HS256 token must match; everything njwt's own Verifier gets wrong is done here instead:
 *  - it checks `exp`/`nbf` against the wall clock, without tolerance and before the signature, and treats a
 *    missing or non-numeric `exp` as "never expires" -> we require a numeric exp and use an injected clock;
 *  - it does not check `iss`/`aud` -> we route by `iss` to that issuer's keys and require its audience;
 *  - called without a key it accepts `alg: none` -> algorithms come from configuration only, each key is
 *    bound to one algorithm, and a token without a signature is malformed;
 *  - it re-encodes signatures before comparing, so padding or trailing characters still verify, and
 *    compares with `===` -> we require the one canonical base64url form and compare in constant time.
 * RS256/ES256 signatures are checked with node:crypto (signature.ts), since njwt only verifies through
 * its Verifier.
 */

/** Tokens are meant to be small (identity and scopes only); anything longer is refused unread. */
export const MAX_TOKEN_LENGTH = 4096;
const HS256_SIGNATURE_BYTES = 32;
const SEGMENT = /^[A-Za-z0-9_-]+$/;
/** The only claims we put in a token: nothing else, and never anything sensitive. */
const ISSUE_INPUT_KEYS = new Set(['subject', 'username', 'scopes', 'ttlSeconds']);
const MAX_KID_LENGTH = 256;
/** Verified tokens remembered, so a client's repeated requests cost a map lookup instead of a signature check. */
const VERIFIED_CACHE_SIZE = 10_000;
/**
 * The remembered tokens are keyed by their last characters (part of the signature) so that a lookup hashes
 * 32 characters instead of the whole token, about 1% of a `me` request (bench/README.md); an entry counts
 * only when its whole token is the one presented, so a different token that ends the same way is verified
 * in full and, if valid, replaces the entry.
 */
const CACHE_KEY_LENGTH = 32;

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
  readonly keyId: string | undefined;
}

export interface IssueOptions {
  /** When set, every requested scope must be in it: how an API caller is kept from escalating. */
  readonly grantableScopes?: readonly string[];
}

/** An external identity provider: its tokens are verified with its keys and normalised like ours. */
export interface TrustedIssuer {
  readonly issuer: string;
  readonly audience: string;
  readonly algorithms: readonly ('RS256' | 'ES256')[];
  readonly keys: KeySource;
  readonly usernameClaim?: string | undefined;
  readonly scopesClaim?: string | undefined;
}

export interface TokenService {
  /**
   * @throws InputError (BAD_USER_INPUT) naming the offending field
   * @throws ForbiddenError when a requested scope is not grantable; nothing is issued
   */
  issue(input: IssueTokenInput, options?: IssueOptions): IssuedToken;
  /** @throws AuthError with a client-safe reason and an operator-facing detail */
  verify(token: string): Promise<VerifiedToken>;
  /** The public keys of this API's own tokens (RFC 7517); empty for HS256, whose secret is never published. */
  jwks(): { keys: JsonWebKey[] };
}

export interface TokenServiceOptions {
  readonly keyRing: KeyRing;
  readonly issuer: string;
  readonly audience: string;
  readonly accessTokenTtlSeconds: number;
  readonly maxTokenTtlSeconds: number;
  readonly clockToleranceSeconds: number;
  readonly trustedIssuers?: readonly TrustedIssuer[];
  /** Milliseconds since the epoch; injected so tests control time. */
  readonly clock?: () => number;
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

/** Splits and decodes a compact JWS, refusing anything that is not exactly three canonical parts. */
function parseCompact(token: string) {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) fail('too_long');
  const segments = token.split('.');
  if (segments.length !== 3 || !segments.every((segment) => SEGMENT.test(segment))) fail('malformed');
  const [encodedHeader, encodedPayload, signature] = segments as [string, string, string];
  const header = decodeJsonObject(encodedHeader);
  // `crit` names extensions we would have to understand; other parameters (jku, x5u, jwk…) are ignored:
  // keys only ever come from configuration.
  if (!header || header.crit !== undefined || typeof header.alg !== 'string') fail('header_invalid');
  if (header.typ !== undefined && (typeof header.typ !== 'string' || header.typ.toUpperCase() !== 'JWT')) {
    fail('typ_not_allowed');
  }
  if (header.kid !== undefined && (typeof header.kid !== 'string' || header.kid.length > MAX_KID_LENGTH)) {
    fail('kid_missing');
  }
  const payload = decodeJsonObject(encodedPayload);
  if (!payload) fail('payload_invalid');
  return {
    alg: header.alg,
    kid: header.kid,
    payload,
    signingInput: `${encodedHeader}.${encodedPayload}`,
    signature,
  };
}

/**
 * @returns a service that issues this API's access tokens with the key ring's active key, and verifies
 * its own tokens and those of the trusted issuers
 */
export function createTokenService(options: TokenServiceOptions): TokenService {
  const { keyRing, issuer, audience, clockToleranceSeconds: tolerance } = options;
  const clock = options.clock ?? Date.now;
  const trusted = new Map((options.trustedIssuers ?? []).map((entry) => [entry.issuer, entry]));
  // njwt's sign() is stateless; one instance serves every HMAC check.
  const hmac = new njwt.Jwt({}, false);
  // njwt signs with a PEM string; exported once per key rather than per token.
  const signingMaterial = new Map<string, string | Buffer>(
    keyRing.keys.map((key) => [
      key.id,
      key.alg === 'HS256' ? key.secret : (key.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string),
    ]),
  );
  const published = {
    keys: keyRing.keys.flatMap((key) => (key.alg === 'HS256' ? [] : [publicJwk(key)])),
  };

  // Filled only after full verification, bounded (oldest out first); `text` is the whole token.
  const verified = new Map<
    string,
    {
      text: string;
      token: VerifiedToken;
      expiresAt: number;
      key: SigningKey | VerificationKey;
      external?: TrustedIssuer;
    }
  >();
  const cacheKey = (token: string) => token.slice(-CACHE_KEY_LENGTH);

  /** A remembered verification of exactly this token, if it still holds: not expired, key still the issuer's. */
  async function remembered(token: string): Promise<VerifiedToken | undefined> {
    const key = cacheKey(token);
    const entry = verified.get(key);
    if (entry?.text !== token) return undefined;
    if (clock() / 1000 >= entry.expiresAt + tolerance) {
      verified.delete(key);
      fail('expired');
    }
    // Our own key ring never changes while the process runs; an external issuer's JWKS can drop a key.
    if (entry.external && (await entry.external.keys.getKey(entry.key.id)) !== entry.key) {
      verified.delete(key);
      return undefined;
    }
    return entry.token;
  }

  function remember(entry: NonNullable<ReturnType<typeof verified.get>>): void {
    const key = cacheKey(entry.text);
    if (!verified.has(key) && verified.size >= VERIFIED_CACHE_SIZE)
      verified.delete(verified.keys().next().value!);
    verified.set(key, entry);
  }

  function signatureValid(
    key: SigningKey | VerificationKey,
    signingInput: string,
    signature: string,
  ): boolean {
    if (key.alg !== 'HS256') return verifyAsymmetric(key, signingInput, signature);
    if (!decodeSignature(signature, HS256_SIGNATURE_BYTES)) fail('signature_encoding');
    const expected = Buffer.from(hmac.sign(signingInput, 'HS256', key.secret));
    return timingSafeEqual(expected, Buffer.from(signature));
  }

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
    const { active } = keyRing;
    const jwt = njwt.create(claims, signingMaterial.get(active.id)!, active.alg);
    jwt.setHeader('kid', active.id);
    jwt.setExpiration((issuedAt + ttl) * 1000);
    return {
      token: jwt.compact(),
      tokenId: jwt.body.toJSON().jti as string,
      expiresAt: new Date((issuedAt + ttl) * 1000),
      scopes,
    };
  }

  async function verify(token: string): Promise<VerifiedToken> {
    const known =
      typeof token === 'string' && token.length <= MAX_TOKEN_LENGTH ? await remembered(token) : undefined;
    if (known) return known;
    const { alg, kid, payload, signingInput, signature } = parseCompact(token);

    // Routed by `iss` before any signature work: each issuer's tokens meet only that issuer's keys and
    // algorithms, so an HS secret can never check an RS/ES token (algorithm confusion).
    let key: SigningKey | VerificationKey | undefined;
    let claims: { audience: string; usernameClaim?: string | undefined; scopesClaim?: string | undefined };
    let external: TrustedIssuer | undefined;
    if (payload.iss === issuer) {
      if (alg !== keyRing.algorithm) fail('alg_not_allowed');
      if (kid === undefined) fail('kid_missing');
      key = keyRing.get(kid);
      claims = { audience };
    } else {
      external = typeof payload.iss === 'string' ? trusted.get(payload.iss) : undefined;
      if (!external) fail('issuer_untrusted');
      if (!(external.algorithms as readonly string[]).includes(alg)) fail('alg_not_allowed');
      key = await external.keys.getKey(kid);
      claims = external;
    }
    if (!key) fail('kid_unknown');
    if (key.alg !== alg) fail('alg_not_allowed');
    if (!signatureValid(key, signingInput, signature)) fail('signature_mismatch');

    // From here on the claims are authentic; they are still checked before anyone trusts them.
    const expiresAt = checkTimes(payload, clock() / 1000, tolerance);
    checkAudience(payload, claims.audience);
    const subject = readSubject(payload);
    if (payload.jti !== undefined && typeof payload.jti !== 'string') fail('claim_invalid');
    const result: VerifiedToken = {
      subject,
      username: readUsername(payload, claims.usernameClaim),
      scopes: readScopes(payload, claims.scopesClaim),
      expiresAt: new Date(expiresAt * 1000),
      tokenId: payload.jti,
      keyId: key.id,
    };
    remember({ text: token, token: result, expiresAt, key, ...(external && { external }) });
    return result;
  }

  return { issue, verify, jwks: () => published };
}

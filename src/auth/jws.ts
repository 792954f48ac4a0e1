import njwt from 'njwt';
import { fail } from './token-claims';

/*
 * Compact JWS (RFC 7515): building a signed token and taking one apart. The only module that knows njwt
 * exists. njwt builds and signs tokens (HS256, RS256, ES256) and computes the HMAC an HS256 token must
 * match; everything njwt's own Verifier gets wrong is done by the verifier (token-verifier.ts) instead:
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
/** The longest `kid` accepted, in a token header or a JWKS. */
export const MAX_KID_LENGTH = 256;
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** A claims set: JSON, as a token payload is. */
export type Claims = Parameters<typeof njwt.create>[0] & Record<string, unknown>;

/** What {@link signJws} signs with: an HS256 secret, or an RS256/ES256 private key as PEM. */
export interface SigningMaterial {
  readonly id: string;
  readonly alg: 'HS256' | 'RS256' | 'ES256';
  readonly key: string | Buffer;
}

/** @returns the compact token and the `jti` njwt gave it */
export function signJws(
  claims: Claims,
  signer: SigningMaterial,
  expiresAtSeconds: number,
): { token: string; tokenId: string } {
  const jwt = njwt.create(claims, signer.key, signer.alg);
  jwt.setHeader('kid', signer.id);
  jwt.setExpiration(expiresAtSeconds * 1000);
  return { token: jwt.compact(), tokenId: jwt.body.toJSON().jti as string };
}

// njwt's sign() is stateless; one instance serves every HMAC.
const hmac = new njwt.Jwt({}, false);

/** The HS256 signature of `signingInput` as the bytes of its base64url text, the form a token carries. */
export function hs256(signingInput: string, secret: Buffer): Buffer {
  return Buffer.from(hmac.sign(signingInput, 'HS256', secret));
}

export interface ParsedJws {
  readonly alg: string;
  readonly kid: string | undefined;
  readonly payload: Record<string, unknown>;
  readonly signingInput: string;
  readonly signature: string;
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

/**
 * Splits and decodes a compact JWS, refusing anything that is not exactly three canonical parts. Nothing
 * in the result is authentic yet.
 * @throws AuthError with the failed check as its detail
 */
export function parseJws(token: string): ParsedJws {
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

import njwt from 'njwt';
import { fail } from './token-claims';

/*
 * Compact JWS (RFC 7515): building a signed token and taking one apart. The only module that knows njwt
 * exists. njwt builds and signs tokens (HS256, RS256, ES256); everything njwt's own Verifier gets wrong is
 * done by the verifier (token-verifier.ts) instead:
 *  - it checks `exp`/`nbf` against the wall clock, without tolerance and before the signature, and treats a
 *    missing or non-numeric `exp` as "never expires" -> we require a numeric exp and use an injected clock;
 *  - it does not check `iss`/`aud` -> we route by `iss` to that issuer's keys and require its audience;
 *  - called without a key it accepts `alg: none` -> algorithms come from configuration only, each key is
 *    bound to one algorithm, and a token without a signature is malformed;
 *  - it re-encodes signatures before comparing, so padding or trailing characters still verify, and
 *    compares with `===` -> we require the one canonical base64url form and compare in constant time.
 * Signatures are checked with node:crypto (signature.ts): njwt verifies only through its Verifier, and its
 * HMAC comes back as text made with regular expressions, slower than comparing bytes (bench/README.md).
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

export interface ParsedJws {
  readonly alg: string;
  readonly kid: string | undefined;
  readonly payload: Record<string, unknown>;
  readonly signingInput: string;
  readonly signature: string;
}

/**
 * Where segments are decoded: no token's segment decodes to more than this (base64url is 4 characters for 3
 * bytes), and reusing one buffer spares a token that is not remembered (many users at once, #26) a Buffer
 * allocation per segment. Decoding is synchronous, so no two decodes share it at once.
 */
const scratch = Buffer.allocUnsafe(Math.ceil((MAX_TOKEN_LENGTH * 3) / 4));

function decodeJsonObject(segment: string): Record<string, unknown> | undefined {
  try {
    const length = scratch.write(segment, 'base64url');
    const value: unknown = JSON.parse(scratch.toString('utf8', 0, length));
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
  // Cut at the two dots rather than split: no array, and no copy of a header already known.
  const headerEnd = token.indexOf('.');
  const payloadEnd = headerEnd < 0 ? -1 : token.indexOf('.', headerEnd + 1);
  if (payloadEnd < 0 || token.includes('.', payloadEnd + 1)) fail('malformed');
  const encodedPayload = token.slice(headerEnd + 1, payloadEnd);
  const signature = token.slice(payloadEnd + 1);
  if (!SEGMENT.test(encodedPayload) || !SEGMENT.test(signature)) fail('malformed');
  const { alg, kid } =
    lastHeader !== undefined &&
    headerEnd === lastHeader.encoded.length &&
    token.startsWith(lastHeader.encoded)
      ? lastHeader
      : (lastHeader = parseHeader(token.slice(0, headerEnd)));
  const payload = decodeJsonObject(encodedPayload);
  if (!payload) fail('payload_invalid');
  return { alg, kid, payload, signingInput: token.slice(0, payloadEnd), signature };
}

/**
 * The last header accepted: an issuer's tokens share one header (same algorithm and key id), so a token
 * that is not remembered (many users at once) skips decoding and checking it again.
 */
let lastHeader:
  { readonly encoded: string; readonly alg: string; readonly kid: string | undefined } | undefined;

function parseHeader(encodedHeader: string): { encoded: string; alg: string; kid: string | undefined } {
  if (!SEGMENT.test(encodedHeader)) fail('malformed');
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
  return { encoded: encodedHeader, alg: header.alg, kid: header.kid };
}

import { verify as cryptoVerify } from 'node:crypto';
import { HmacSha256 } from './hmac-sha256';
import { type SigningKey, type VerificationKey } from './key-ring';
import { fail } from './token-claims';

const ES256_BYTES = 64;
/**
 * The one canonical base64url form of an HS256 MAC: 32 bytes are 43 characters, the last carrying 4 bits
 * and 2 unused ones, which must be zero. Padding, trailing characters or other unused bits are refused.
 */
const CANONICAL_HS256 = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
/** Each HS256 key's MAC, with its padded key computed once. */
const macs = new WeakMap<object, HmacSha256>();

/**
 * The signature bytes, or undefined unless `encoded` is the one canonical base64url form: padding,
 * trailing characters or non-zero unused bits are refused (lenient decoders accept them).
 */
function decodeSignature(encoded: string, expectedBytes?: number): Buffer | undefined {
  const bytes = Buffer.from(encoded, 'base64url');
  if (bytes.toString('base64url') !== encoded) return undefined;
  if (expectedBytes !== undefined && bytes.length !== expectedBytes) return undefined;
  return bytes;
}

/** Whether two strings of the same length are equal, in a time that does not depend on where they differ. */
function equalInConstantTime(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index += 1) difference |= a.charCodeAt(index) ^ b.charCodeAt(index);
  return difference === 0;
}

/**
 * Whether `encoded` is `key`'s signature of `signingInput`, with node:crypto: an HS256 MAC (hmac-sha256.ts)
 * compared in constant time with the canonical text sent (njwt's HMAC returns base64url text made with three
 * regular expressions, a third of a full verification's cost when every request carries a new token),
 * RS256/ES256 verified.
 * @throws AuthError signature_encoding for an HS256 signature that is not canonical base64url
 */
export function signatureValid(
  key: SigningKey | VerificationKey,
  signingInput: string,
  encoded: string,
): boolean {
  if (key.alg !== 'HS256') return verifyAsymmetric(key, signingInput, encoded);
  if (!CANONICAL_HS256.test(encoded)) fail('signature_encoding');
  let mac = macs.get(key);
  if (!mac) macs.set(key, (mac = new HmacSha256(key.secret)));
  return equalInConstantTime(mac.base64url(signingInput), encoded);
}

/**
 * Verifies an RS256 or ES256 signature with node:crypto (njwt offers verification only through its Verifier,
 * whose clock handling we cannot use). ES256 signatures with r or s equal to zero ("psychic signatures")
 * are refused outright, whatever the crypto library would say.
 */
function verifyAsymmetric(key: VerificationKey, signingInput: string, encoded: string): boolean {
  if (key.alg === 'ES256') {
    const signature = decodeSignature(encoded, ES256_BYTES);
    if (!signature) return false;
    const r = signature.subarray(0, 32);
    const s = signature.subarray(32);
    if (r.every((byte) => byte === 0) || s.every((byte) => byte === 0)) return false;
    return cryptoVerify(
      'sha256',
      Buffer.from(signingInput),
      { key: key.publicKey, dsaEncoding: 'ieee-p1363' },
      signature,
    );
  }
  const modulusBytes = (key.publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
  const signature = decodeSignature(encoded, modulusBytes);
  if (!signature) return false;
  return cryptoVerify('sha256', Buffer.from(signingInput), key.publicKey, signature);
}

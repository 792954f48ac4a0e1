import { verify as cryptoVerify } from 'node:crypto';
import { type VerificationKey } from './key-ring';

const ES256_BYTES = 64;

/**
 * The signature bytes, or undefined unless `encoded` is the one canonical base64url form: padding,
 * trailing characters or non-zero unused bits are refused (lenient decoders accept them).
 */
export function decodeSignature(encoded: string, expectedBytes?: number): Buffer | undefined {
  const bytes = Buffer.from(encoded, 'base64url');
  if (bytes.toString('base64url') !== encoded) return undefined;
  if (expectedBytes !== undefined && bytes.length !== expectedBytes) return undefined;
  return bytes;
}

/**
 * Verifies an RS256 or ES256 signature with node:crypto (njwt offers verification only through its Verifier,
 * whose clock handling we cannot use). ES256 signatures with r or s equal to zero ("psychic signatures")
 * are refused outright, whatever the crypto library would say.
 */
export function verifyAsymmetric(key: VerificationKey, signingInput: string, encoded: string): boolean {
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

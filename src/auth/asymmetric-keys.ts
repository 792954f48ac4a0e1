import { createHash, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { type SigningKey } from './key-ring';

/** RFC 8725 §3.5 and NIST: RSA below 2048 bits is refused everywhere, ours and other issuers'. */
export const MIN_RSA_BITS = 2048;

/**
 * Why `key` cannot serve `alg`, or undefined when it can: RS256 needs RSA of at least 2048 bits, ES256 a
 * P-256 curve. Binding each key to one algorithm is what prevents algorithm confusion.
 */
export function keyProblem(alg: 'RS256' | 'ES256', key: KeyObject): string | undefined {
  const details = key.asymmetricKeyDetails;
  if (alg === 'RS256') {
    if (key.asymmetricKeyType !== 'rsa') return 'RS256 needs an RSA key';
    if ((details?.modulusLength ?? 0) < MIN_RSA_BITS)
      return `RSA keys must have at least ${MIN_RSA_BITS} bits`;
    return undefined;
  }
  if (key.asymmetricKeyType !== 'ec' || details?.namedCurve !== 'prime256v1')
    return 'ES256 needs a P-256 EC key';
  return undefined;
}

/** RFC 7638 JWK thumbprint: a stable key id derived from the public key alone. */
export function thumbprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  const members =
    jwk.kty === 'RSA'
      ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
      : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/**
 * An RS256/ES256 signing key from a private key.
 * @throws Error naming the problem when the key does not fit the algorithm
 */
export function asymmetricKey(alg: 'RS256' | 'ES256', privateKey: KeyObject, id?: string): SigningKey {
  const publicKey = createPublicKey(privateKey);
  const problem = keyProblem(alg, publicKey);
  if (problem) throw new Error(problem);
  return { id: id ?? thumbprint(publicKey), alg, privateKey, publicKey };
}

/** The public half as an RFC 7517 JWK, for /.well-known/jwks.json. Never called for an HS secret. */
export function publicJwk(key: Extract<SigningKey, { alg: 'RS256' | 'ES256' }>): JsonWebKey {
  return { ...key.publicKey.export({ format: 'jwk' }), kid: key.id, use: 'sig', alg: key.alg };
}

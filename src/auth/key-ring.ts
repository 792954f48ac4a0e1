import { type KeyObject } from 'node:crypto';
import { type SigningAlgorithm } from '../config';

/** A key this API signs (and verifies) its own tokens with, bound to one algorithm. */
export type SigningKey =
  | { readonly id: string; readonly alg: 'HS256'; readonly secret: Buffer }
  | {
      readonly id: string;
      readonly alg: 'RS256' | 'ES256';
      readonly privateKey: KeyObject;
      readonly publicKey: KeyObject;
    };

/** A key that can only verify: an external issuer's public key. */
export interface VerificationKey {
  readonly id: string;
  readonly alg: 'RS256' | 'ES256';
  readonly publicKey: KeyObject;
}

/** The keys this API trusts for its own tokens: one signs, all verify (so a rotation needs no downtime). */
export interface KeyRing {
  readonly algorithm: SigningAlgorithm;
  readonly active: SigningKey;
  readonly keys: readonly SigningKey[];
  get(keyId: string): SigningKey | undefined;
}

/**
 * @returns a key ring whose active key is `activeKeyId` (or the first key)
 * @throws Error when the keys mix algorithms or do not contain `activeKeyId`
 */
export function createKeyRing(keys: readonly SigningKey[], activeKeyId?: string | null): KeyRing {
  // A Map, not an object: a `kid` such as "__proto__" or "constructor" must not find anything.
  const byId = new Map<string, SigningKey>();
  for (const key of keys) {
    if (byId.has(key.id)) throw new Error(`signing key id "${key.id}" appears twice`);
    byId.set(key.id, Object.freeze(key));
  }
  const active = activeKeyId ? byId.get(activeKeyId) : keys[0];
  if (!active) throw new Error(`active signing key "${activeKeyId ?? ''}" is not in the key ring`);
  if (keys.some((key) => key.alg !== active.alg)) throw new Error('all signing keys must use one algorithm');
  return Object.freeze({
    algorithm: active.alg,
    active,
    keys: Object.freeze([...byId.values()]),
    get: (keyId: string) => byId.get(keyId),
  });
}

/** An HS256 key from a configured secret. */
export function hmacKey(id: string, secret: string): SigningKey {
  return { id, alg: 'HS256', secret: Buffer.from(secret, 'utf8') };
}

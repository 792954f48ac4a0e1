import { type SigningKeyConfig } from '../config';

/** A secret ready for HMAC, with the `kid` that names it in token headers. */
export interface SigningKey {
  readonly id: string;
  readonly secret: Buffer;
}

/** The keys this API trusts: one signs, all of them verify (so a rotation needs no downtime). */
export interface KeyRing {
  readonly active: SigningKey;
  get(keyId: string): SigningKey | undefined;
}

/**
 * @returns a key ring whose active key is `activeKeyId`
 * @throws Error when the list is empty or does not contain `activeKeyId` (config parsing prevents both)
 */
export function createKeyRing(keys: readonly SigningKeyConfig[], activeKeyId: string): KeyRing {
  // A Map, not an object: a `kid` such as "__proto__" or "constructor" must not find anything.
  const byId = new Map<string, SigningKey>(
    keys.map((key) => [key.id, Object.freeze({ id: key.id, secret: Buffer.from(key.secret, 'utf8') })]),
  );
  const active = byId.get(activeKeyId);
  if (!active) throw new Error(`active signing key "${activeKeyId}" is not in the key ring`);
  return Object.freeze({
    active,
    get: (keyId: string) => byId.get(keyId),
  });
}

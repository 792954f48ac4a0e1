import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Config } from '../config';
import { asymmetricKey, keyProblem, thumbprint } from './asymmetric-keys';
import { loadOrCreateDevKey } from './dev-key';
import { createKeyRing, hmacKey, type KeyRing, type SigningKey, type VerificationKey } from './key-ring';

/**
 * The key ring for this process: HS256 secrets from the environment, RS256/ES256 private keys from PEM
 * files, or (HS256 outside production, when nothing is configured) the generated development key.
 * @throws Error naming the file or key that cannot be used; never echoing key material
 */
export function loadKeyRing(config: Config): { keyRing: KeyRing; usesDevKey: boolean } {
  const { algorithm, keys, privateKeyFiles, activeKeyId } = config.jwt;
  if (algorithm !== 'HS256') {
    const loaded: SigningKey[] = (privateKeyFiles ?? []).map(({ id, path }) => {
      let pem: string;
      try {
        pem = readFileSync(path, 'utf8');
      } catch {
        throw new Error(`cannot read the private key file ${path}`);
      }
      let privateKey;
      try {
        privateKey = createPrivateKey(pem);
      } catch {
        throw new Error(`${path} does not hold a PEM private key`);
      }
      try {
        return asymmetricKey(algorithm, privateKey, id);
      } catch (error) {
        throw new Error(`${path}: ${(error as Error).message}`);
      }
    });
    return { keyRing: createKeyRing(loaded, activeKeyId), usesDevKey: false };
  }
  if (keys) {
    return {
      keyRing: createKeyRing(
        keys.map((key) => hmacKey(key.id, key.secret)),
        activeKeyId,
      ),
      usesDevKey: false,
    };
  }
  if (config.env === 'production') throw new Error('no signing key configured'); // parseConfig refuses this first
  const devKey = loadOrCreateDevKey(config.dataDir);
  return { keyRing: createKeyRing([hmacKey(devKey.id, devKey.secret)]), usesDevKey: true };
}

/**
 * An external issuer's public key from a PEM file, bound to the one allowed algorithm it fits.
 * @throws Error naming the file when it cannot be read or fits none of `algorithms`
 */
export function loadPublicKey(path: string, algorithms: readonly ('RS256' | 'ES256')[]): VerificationKey {
  let publicKey;
  try {
    publicKey = createPublicKey(readFileSync(path, 'utf8'));
  } catch {
    throw new Error(`cannot read a PEM public key from ${path}`);
  }
  const alg = algorithms.find((candidate) => keyProblem(candidate, publicKey) === undefined);
  if (!alg) throw new Error(`${path}: ${keyProblem(algorithms[0]!, publicKey)}`);
  return { id: thumbprint(publicKey), alg, publicKey };
}

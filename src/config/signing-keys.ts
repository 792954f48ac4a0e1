import { commaList, type EnvReader } from './env-reader';

export const SIGNING_ALGORITHMS = ['HS256', 'RS256', 'ES256'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** RFC 7518 §3.2: an HS256 key must be at least as long as the hash output. */
export const MIN_SECRET_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** One HS256 secret and the id (`kid`) tokens signed with it carry. */
export interface SigningKeyConfig {
  readonly id: string;
  readonly secret: string;
}

export interface PrivateKeyFileConfig {
  readonly id: string | undefined;
  readonly path: string;
}

export interface SigningKeysConfig {
  /** HS256 secrets. null with HS256: none configured, so development uses the generated key. */
  readonly keys: readonly SigningKeyConfig[] | null;
  /** RS256/ES256 private keys (PEM files); a missing id becomes the key's RFC 7638 thumbprint. */
  readonly privateKeyFiles: readonly PrivateKeyFileConfig[] | null;
  /** The key that signs; null: the first one. */
  readonly activeKeyId: string | null;
}

/** `kid=secret,kid=secret`: split on the first "=" so base64 padding in a secret survives. */
function parseKeyList(value: string, env: EnvReader): SigningKeyConfig[] {
  const keys: SigningKeyConfig[] = [];
  const before = env.problems.length;
  commaList(value).forEach((entry, index) => {
    const separator = entry.indexOf('=');
    const id = separator > 0 ? entry.slice(0, separator).trim() : '';
    const secret = separator > 0 ? entry.slice(separator + 1).trim() : '';
    if (!KEY_ID.test(id) || !secret) {
      env.problem(
        `SIGNING_KEYS: entry ${index + 1} must be <key id>=<secret>, key id of [A-Za-z0-9._-]{1,64}`,
      );
    } else if (keys.some((key) => key.id === id)) {
      env.problem(`SIGNING_KEYS: key id "${id}" appears more than once`);
    } else {
      keys.push({ id, secret });
    }
  });
  if (keys.length === 0 && env.problems.length === before) env.problem('SIGNING_KEYS: lists no key');
  return keys;
}

/** SIGNING_PRIVATE_KEY_FILE or SIGNING_PRIVATE_KEYS (`[kid=]path,…`), for RS256 and ES256. */
function readPrivateKeyFiles(env: EnvReader, algorithm: SigningAlgorithm): SigningKeysConfig {
  const activeKeyId = env.text('SIGNING_KEY_ID') ?? null;
  const file = env.text('SIGNING_PRIVATE_KEY_FILE');
  const files = env.text('SIGNING_PRIVATE_KEYS');
  if (env.raw('SIGNING_KEY') || env.raw('SIGNING_KEYS')) {
    env.problem(`SIGNING_KEY and SIGNING_KEYS: HS256 secrets, not used with ${algorithm}`);
  }
  let privateKeyFiles: PrivateKeyFileConfig[] | null = null;
  if (file && files) {
    env.problem('SIGNING_PRIVATE_KEY_FILE and SIGNING_PRIVATE_KEYS: set one or the other, not both');
  } else if (file) {
    privateKeyFiles = [{ id: activeKeyId ?? undefined, path: file }];
  } else if (files) {
    privateKeyFiles = commaList(files).map((entry) => {
      const separator = entry.indexOf('=');
      const id = separator > 0 ? entry.slice(0, separator).trim() : undefined;
      if (id !== undefined && !KEY_ID.test(id))
        env.problem(`SIGNING_PRIVATE_KEYS: key id "${id}" is invalid`);
      return { id, path: separator > 0 ? entry.slice(separator + 1).trim() : entry };
    });
  } else {
    env.problem(
      `SIGNING_PRIVATE_KEY_FILE: required with SIGNING_ALGORITHM=${algorithm} (npm run keys:generate)`,
    );
  }
  return { keys: null, privateKeyFiles, activeKeyId };
}

/** SIGNING_KEY or SIGNING_KEYS (`kid=secret,…`) with SIGNING_KEY_ID, for HS256. */
function readSecrets(env: EnvReader, production: boolean): SigningKeysConfig {
  const single = env.raw('SIGNING_KEY');
  const list = env.raw('SIGNING_KEYS');
  const requested = env.text('SIGNING_KEY_ID');
  let keys: SigningKeyConfig[] | null = null;
  let activeKeyId: string | null = null;
  if (single && list) {
    env.problem('SIGNING_KEY and SIGNING_KEYS: set one or the other, not both');
  } else if (single) {
    activeKeyId = requested ?? 'default';
    if (!KEY_ID.test(activeKeyId)) env.problem('SIGNING_KEY_ID: must match [A-Za-z0-9._-]{1,64}');
    keys = [{ id: activeKeyId, secret: single }];
  } else if (list) {
    keys = parseKeyList(list, env);
    activeKeyId = requested ?? keys[0]?.id ?? null;
    if (requested && !keys.some((key) => key.id === requested)) {
      env.problem(`SIGNING_KEY_ID: "${requested}" is not one of the SIGNING_KEYS ids`);
    }
  } else if (production) {
    env.problem('SIGNING_KEY: required in production (at least 32 bytes, e.g. `openssl rand -base64 48`)');
  } else if (requested) {
    env.problem('SIGNING_KEY_ID: set without SIGNING_KEY or SIGNING_KEYS');
  }
  for (const key of keys ?? []) {
    if (Buffer.byteLength(key.secret, 'utf8') >= MIN_SECRET_BYTES) continue;
    const message = `${single ? 'SIGNING_KEY' : `SIGNING_KEYS (${key.id})`}: shorter than ${MIN_SECRET_BYTES} bytes`;
    if (production) env.problem(message);
    else env.warnings.push(`${message}; production would refuse to start`);
  }
  return { keys, privateKeyFiles: null, activeKeyId };
}

/** The keys this API signs with: HS256 secrets, or RS256/ES256 private key files. */
export function readSigningKeys(
  env: EnvReader,
  algorithm: SigningAlgorithm,
  production: boolean,
): SigningKeysConfig {
  return algorithm === 'HS256' ? readSecrets(env, production) : readPrivateKeyFiles(env, algorithm);
}

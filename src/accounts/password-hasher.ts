import { randomBytes, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto';

/*
 * scrypt from node:crypto: memory-hard, no native package. The stored string names its parameters
 * ("scrypt$ln=15,r=8,p=1$<salt>$<hash>"), so the cost can be raised later: old hashes still verify and
 * are upgraded at the next successful login (see needsRehash).
 */

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const FORMAT = /^scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{32,})$/;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password and for a stored value that is not a hash this module wrote. */
  verify(password: string, stored: string): Promise<boolean>;
  /** True when `stored` was made with weaker parameters than the configured ones. */
  needsRehash(stored: string): boolean;
}

interface Parameters {
  readonly log2N: number;
  readonly r: number;
  readonly p: number;
}

/** node:crypto's scrypt, or a stand-in that counts the work (tests). */
export type Scrypt = typeof scrypt;

function derive(
  kdf: Scrypt,
  password: string,
  salt: Buffer,
  { log2N, r, p }: Parameters,
  length: number,
): Promise<Buffer> {
  const N = 2 ** log2N;
  // scrypt needs about 128 * N * r bytes; the default ceiling (32 MiB) is too low for N = 2^15.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    kdf(password.normalize('NFKC'), salt, length, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** scrypt's work: N·r·p block mixes. */
const work = ({ log2N, r, p }: Parameters) => 2 ** log2N * r * p;

function parse(stored: string): { parameters: Parameters; salt: Buffer; key: Buffer } | undefined {
  const match = FORMAT.exec(stored);
  if (!match) return undefined;
  const [, log2N, r, p, salt, key] = match as unknown as [string, string, string, string, string, string];
  return {
    parameters: { log2N: Number(log2N), r: Number(r), p: Number(p) },
    salt: Buffer.from(salt, 'base64url'),
    key: Buffer.from(key, 'base64url'),
  };
}

/**
 * @returns a scrypt hasher with cost N = 2^log2N (r = 8, p = 1)
 * @param kdf scrypt itself; tests pass one that counts
 */
export function createPasswordHasher(log2N: number, kdf: Scrypt = scrypt): PasswordHasher {
  const current: Parameters = { log2N, r: 8, p: 1 };

  /**
   * After a failed check against a hash weaker than today's, spends the difference (Django's
   * harden_runtime): otherwise a wrong password for an existing user with an old hash costs less than one
   * for an unknown user (checked against a current-cost dummy), and the difference names the users.
   */
  async function hardenRuntime(password: string, stored: Parameters): Promise<void> {
    const units = Math.floor((work(current) - work(stored)) / (current.r * current.p));
    const salt = randomBytes(SALT_BYTES);
    // As a sum of powers of two, since scrypt's N must be one; the odd unit (N = 1) is not worth a call.
    for (let bit = 1; 2 ** bit <= units; bit += 1) {
      if (units & (2 ** bit)) await derive(kdf, password, salt, { ...current, log2N: bit }, KEY_BYTES);
    }
  }

  return {
    async hash(password) {
      const salt = randomBytes(SALT_BYTES);
      const key = await derive(kdf, password, salt, current, KEY_BYTES);
      return `scrypt$ln=${current.log2N},r=${current.r},p=${current.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
    },
    async verify(password, stored) {
      const parsed = parse(stored);
      if (!parsed || parsed.parameters.log2N > 20 || parsed.parameters.r > 32 || parsed.parameters.p > 16) {
        return false;
      }
      const key = await derive(kdf, password, parsed.salt, parsed.parameters, parsed.key.length);
      const valid = timingSafeEqual(key, parsed.key);
      if (!valid && work(parsed.parameters) < work(current)) await hardenRuntime(password, parsed.parameters);
      return valid;
    },
    needsRehash(stored) {
      const parsed = parse(stored);
      return !parsed || parsed.parameters.log2N < current.log2N || parsed.parameters.r < current.r;
    },
  };
}

import { type SigningKey, type VerificationKey } from './key-ring';
import { type KeySource } from './remote-key-set';
import { fail, type VerifiedToken } from './token-claims';

/** How many verified tokens are remembered; the oldest goes first. */
const CAPACITY = 10_000;
/**
 * Entries are keyed by the token's last characters (part of its signature) so that a lookup hashes 32
 * characters instead of the whole token (bench/README.md); an entry counts only when its whole token is
 * the one presented, so a different token that ends the same way is verified in full and, if valid,
 * replaces the entry.
 */
const KEY_LENGTH = 32;

interface Entry {
  /** The whole token. */
  readonly text: string;
  readonly token: VerifiedToken;
  /** `exp`, in seconds since the epoch. */
  readonly expiresAt: number;
  readonly key: SigningKey | VerificationKey;
  /** Where an external issuer's key came from: a key that leaves its JWKS ends the entry. */
  readonly keySource: KeySource | undefined;
}

/**
 * Verified tokens, so a client's repeated requests cost a map lookup instead of a signature check. Filled
 * only after full verification; `exp` is checked again on every hit.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: () => number,
    private readonly toleranceSeconds: number,
  ) {}

  /**
   * A remembered verification of exactly this token, if it still holds.
   * @throws AuthError TOKEN_EXPIRED when it is remembered but has expired since
   */
  async get(token: string): Promise<VerifiedToken | undefined> {
    const key = token.slice(-KEY_LENGTH);
    const entry = this.entries.get(key);
    if (entry?.text !== token) return undefined;
    if (this.clock() / 1000 >= entry.expiresAt + this.toleranceSeconds) {
      this.entries.delete(key);
      fail('expired');
    }
    // Our own key ring never changes while the process runs; an external issuer's JWKS can drop a key.
    if (entry.keySource && (await entry.keySource.getKey(entry.key.id)) !== entry.key) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.token;
  }

  remember(entry: Entry): void {
    const key = entry.text.slice(-KEY_LENGTH);
    if (!this.entries.has(key) && this.entries.size >= CAPACITY) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, entry);
  }
}

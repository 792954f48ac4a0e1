import { Doorkeeper } from './doorkeeper';
import { type AuthenticatedIdentity } from './identity';
import { type SigningKey, type VerificationKey } from './key-ring';
import { type KeySource } from './remote-key-set';
import { fail } from './token-claims';

/**
 * Entries are keyed by the token's last characters (part of its signature) so that a lookup hashes 32
 * characters instead of the whole token (bench/README.md); an entry counts only when its whole token is
 * the one presented, so a different token that ends the same way is verified in full and, if valid,
 * replaces the entry.
 */
const KEY_LENGTH = 32;
/**
 * What an entry holds besides its token's text, in bytes: the entry, the identity (the verified claims), the
 * scope set and the expiry date. Measured at about 200 (heap after GC with 5 000 tokens of 386
 * characters remembered, less the same heap without them); counted double.
 */
const ENTRY_OVERHEAD_BYTES = 400;
/** The memory the cache may hold, counted as each token's length plus the overhead above: about 10 000 tokens. */
const DEFAULT_CACHE_BYTES = 8 * 2 ** 20;
/**
 * A token is remembered when it comes back within this many to twice this many tokens that were not: about
 * as many as the cache holds, so a rotation that fits is admitted on its second turn and a longer one never.
 */
const DOORKEEPER_GENERATION = 10_000;

interface CacheEntry {
  /** The whole token: the request's own string, kept by reference. */
  readonly text: string;
  readonly token: AuthenticatedIdentity;
  /** `exp`, in seconds since the epoch. */
  readonly expiresAt: number;
  readonly key: SigningKey | VerificationKey;
  /** Where an external issuer's key came from: a key that leaves its JWKS ends the entry. */
  readonly keySource: KeySource | undefined;
}

interface Stored extends CacheEntry {
  /** Its key in the map. */
  readonly slot: string;
  readonly bytes: number;
  /** Its place in the ring. */
  readonly position: number;
}

/**
 * Verified tokens, so a client's repeated requests cost a map lookup instead of a signature check. Filled
 * only after full verification; `exp` is checked again on every hit.
 *
 * Built for many users at once (#26): with more distinct tokens in rotation than it can hold, a cache that
 * remembers every token only churns: each entry lives just long enough to reach V8's old generation, then
 * dies, and collecting it costs more than verifying an HS256 signature again. So a token is admitted only
 * on its second sighting (doorkeeper.ts: fixed memory, nothing allocated per token), the
 * size is bounded by memory, and the oldest entry leaves in O(1) from a ring rather than from the front of
 * a Map's insertion order, which V8 walks past every deleted slot.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Stored>();
  private readonly ring: (Stored | undefined)[];
  private cursor = 0;
  private bytes = 0;
  private readonly doorkeeper = new Doorkeeper(DOORKEEPER_GENERATION);

  constructor(
    private readonly clock: () => number,
    private readonly toleranceSeconds: number,
    private readonly budgetBytes = DEFAULT_CACHE_BYTES,
  ) {
    this.ring = new Array<Stored | undefined>(Math.ceil(budgetBytes / ENTRY_OVERHEAD_BYTES)).fill(undefined);
  }

  /** How many tokens are remembered (the unit tests read it). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * A remembered verification of exactly this token, if it still holds: at once for this API's own tokens
   * (its key ring never changes while the process runs), once its key source still holds the key for an
   * external issuer's (a JWKS can drop a key).
   * @throws AuthError TOKEN_EXPIRED when it is remembered but has expired since
   */
  get(token: string): AuthenticatedIdentity | Promise<AuthenticatedIdentity | undefined> | undefined {
    const entry = this.entries.get(token.slice(-KEY_LENGTH));
    if (entry?.text !== token) return undefined;
    if (this.clock() / 1000 >= entry.expiresAt + this.toleranceSeconds) {
      this.drop(entry);
      fail('expired');
    }
    return entry.keySource ? this.stillHeld(entry, entry.keySource) : entry.token;
  }

  private async stillHeld(entry: Stored, keySource: KeySource): Promise<AuthenticatedIdentity | undefined> {
    if ((await keySource.getKey(entry.key.id)) === entry.key) return entry.token;
    this.drop(entry);
    return undefined;
  }

  /** Offers a token that has just been verified in full: it is kept if this is its second sighting. */
  remember(entry: CacheEntry): void {
    if (!this.doorkeeper.seenBefore(entry.text, KEY_LENGTH)) return;
    const slot = entry.text.slice(-KEY_LENGTH);
    const previous = this.entries.get(slot);
    if (previous) this.drop(previous);
    const bytes = entry.text.length + ENTRY_OVERHEAD_BYTES;
    if (bytes > this.budgetBytes) return;
    // The oldest entries make room; the ring's slot at the cursor is always free afterwards.
    for (;;) {
      const oldest = this.ring[this.cursor];
      if (oldest) this.drop(oldest);
      if (this.bytes + bytes <= this.budgetBytes) break;
      this.cursor = (this.cursor + 1) % this.ring.length;
    }
    const stored: Stored = { ...entry, slot, bytes, position: this.cursor };
    this.ring[this.cursor] = stored;
    this.cursor = (this.cursor + 1) % this.ring.length;
    this.entries.set(slot, stored);
    this.bytes += stored.bytes;
  }

  private drop(entry: Stored): void {
    if (this.entries.get(entry.slot) !== entry) return;
    this.entries.delete(entry.slot);
    this.ring[entry.position] = undefined;
    this.bytes -= entry.bytes;
  }
}

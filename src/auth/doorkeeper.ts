/** Bits per generation: 256 Ki, 32 KiB. At GENERATION tokens each it answers "seen" wrongly about 0.1% of the time. */
const BITS = 2 ** 18;
const HASHES = 3;

/**
 * Remembers, in fixed memory and without allocating, which tokens were seen recently: the admission test
 * of the verified-token cache (TinyLFU's doorkeeper). Two Bloom filters of fingerprints; the current one
 * takes each token offered, and after `generation` tokens it becomes the previous one and a cleared filter
 * takes over. So a token is "seen before" when it was offered within the last `generation` to
 * 2 × `generation` offers: a rotation of up to that many tokens is admitted on its second turn, while the
 * tokens of a longer rotation are always forgotten by the time they return, and never churn the cache.
 * Bloom filters, not one slot per fingerprint: two tokens that share a slot would evict each other on
 * every turn of a rotation and never be admitted.
 */
export class Doorkeeper {
  private current = new Uint32Array(BITS / 32);
  private previous = new Uint32Array(BITS / 32);
  private offered = 0;

  constructor(private readonly generation: number) {}

  /**
   * Records `text` (it is read from its last `sample` characters: the signature, which differs between
   * any two tokens) and tells whether it had been recorded within the last generation or two.
   */
  seenBefore(text: string, sample = 32): boolean {
    let first = 0x811c9dc5; // FNV-1a
    for (let index = Math.max(0, text.length - sample); index < text.length; index += 1) {
      first = Math.imul(first ^ text.charCodeAt(index), 0x01000193);
    }
    // A second hash from the first (murmur3's finalizer), for double hashing: h1 + i × h2.
    let second = Math.imul(first ^ (first >>> 16), 0x85ebca6b);
    second = Math.imul(second ^ (second >>> 13), 0xc2b2ae35) | 1;
    let inCurrent = true;
    let inPrevious = true;
    for (let i = 0; i < HASHES; i += 1) {
      const bit = (first + Math.imul(i, second)) & (BITS - 1);
      const word = bit >>> 5;
      const mask = 1 << (bit & 31);
      if ((this.current[word]! & mask) === 0) {
        inCurrent = false;
        this.current[word]! |= mask;
      }
      if ((this.previous[word]! & mask) === 0) inPrevious = false;
    }
    this.offered += 1;
    if (this.offered >= this.generation) {
      [this.previous, this.current] = [this.current, this.previous];
      this.current.fill(0);
      this.offered = 0;
    }
    return inCurrent || inPrevious;
  }
}

import { createHash, createHmac, hash } from 'node:crypto';

/** SHA-256's block size: the key is padded (or first hashed) to it. */
const BLOCK = 64;
const IPAD = 0x36;
const OPAD = 0x5c;
/**
 * The longest message computed in place, in UTF-16 code units (each at most 3 bytes of UTF-8): the longest
 * token's signing input. Anything longer goes to createHmac.
 */
const MAX_MESSAGE_LENGTH = 4096;

/**
 * HMAC-SHA256 (RFC 2104) under one key, as two calls of node:crypto's one-shot SHA-256 over buffers made
 * once: H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ message)). Same bytes as `createHmac('sha256', key)` (the tests
 * compare them over keys of every length around the block size and messages of every kind), but without
 * the Hmac stream object, its native handle and its digest's ArrayBuffer, each of which the garbage
 * collector then tracks: with many users at once every request brings a token that is not remembered,
 * and those cost more than the hashing (#26: 3.6-4.0 µs a MAC against 1.3-1.4 µs, `bench/README.md`).
 * Synchronous, so one set of buffers per key serves every call.
 */
export class HmacSha256 {
  /** K ⊕ ipad, then room for the message. */
  private readonly inner = Buffer.alloc(BLOCK + 3 * MAX_MESSAGE_LENGTH);
  /** K ⊕ opad, then the inner digest. */
  private readonly outer = Buffer.alloc(BLOCK + 32);
  /**
   * Views of `inner` by length, made once: an issuer's tokens come in a few lengths, and a view made per call
   * is an object the garbage collector tracks. At most one per length up to the longest message.
   */
  private readonly views: Buffer[] = [];

  constructor(private readonly key: Buffer) {
    // A key longer than a block is replaced by its hash; a shorter one is padded with zeros (alloc).
    const block = key.length > BLOCK ? createHash('sha256').update(key).digest() : key;
    for (let index = 0; index < BLOCK; index += 1) {
      const byte = block[index] ?? 0;
      this.inner[index] = byte ^ IPAD;
      this.outer[index] = byte ^ OPAD;
    }
  }

  /** The MAC of `message` (as UTF-8, as createHmac reads a string), base64url-encoded. */
  base64url(message: string): string {
    if (message.length > MAX_MESSAGE_LENGTH) {
      return createHmac('sha256', this.key).update(message).digest('base64url');
    }
    const length = this.inner.write(message, BLOCK, 'utf8');
    // 'binary' (latin1): the digest's 32 bytes as a 32-character string, written back byte for byte below.
    const end = BLOCK + length;
    const innerDigest = hash('sha256', (this.views[end] ??= this.inner.subarray(0, end)), 'binary');
    this.outer.write(innerDigest, BLOCK, 'binary');
    return hash('sha256', this.outer, 'base64url');
  }
}

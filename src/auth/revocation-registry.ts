import { type VerifiedToken } from './token-claims';

/**
 * What can be revoked before it expires, and from when. `at` is the revocation's time in milliseconds:
 *  - `session`: every token carrying this `sid` (a login's refresh-token family), whenever issued;
 *  - `user`: every token whose `sub` is this user and that was issued (`iat`) before `at`;
 *  - `minter`: every token minted by this subject (`act.sub`) before `at`;
 *  - `token`: the one token with this `jti`.
 * Only this API's own tokens are matched: a trusted issuer's subjects are not our accounts.
 */
export interface Revocation {
  readonly kind: RevocationKind;
  readonly key: string;
  readonly at: number;
}
export type RevocationKind = 'session' | 'user' | 'minter' | 'token';
export const REVOCATION_KINDS: readonly RevocationKind[] = ['session', 'user', 'minter', 'token'];

/** What of a verified token a revocation can match. */
export type RevocableToken = Pick<
  VerifiedToken,
  'local' | 'subject' | 'sessionId' | 'tokenId' | 'actor' | 'issuedAt'
>;

/**
 * The revocations every instance holds in memory, so that refusing a revoked token costs a few Map
 * lookups and never a database read. An entry is needed only while a token it matches can still be valid:
 * every such token was issued before `at` (sessions and single tokens stop being issued once revoked), so
 * after `at` + the longest lifetime + the clock tolerance it can go ({@link purge}).
 */
export class RevocationRegistry {
  private readonly entries: Record<RevocationKind, Map<string, number>> = {
    session: new Map(),
    user: new Map(),
    minter: new Map(),
    token: new Map(),
  };
  private count = 0;
  private readonly listeners = new Set<(revocations: readonly Revocation[]) => void>();

  /** @param retentionMs how long an entry can still match a token: the longest lifetime + tolerance */
  constructor(readonly retentionMs: number) {}

  get size(): number {
    return this.count;
  }

  /** Adds revocations; a later one of the same key wins. Applying the same revocation twice is harmless. */
  add(revocations: readonly Revocation[]): void {
    for (const { kind, key, at } of revocations) {
      const entries = this.entries[kind];
      const known = entries.get(key);
      if (known === undefined) this.count += 1;
      if (known === undefined || at > known) entries.set(key, at);
    }
    if (revocations.length > 0) for (const listener of this.listeners) listener(revocations);
  }

  /**
   * Hears every revocation added, for what holds a token longer than a request (a WebSocket).
   * @returns the function that stops listening
   */
  listen(listener: (revocations: readonly Revocation[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether `token`, already verified, has been revoked since it was issued. */
  revokes(token: RevocableToken): boolean {
    // The common case, a registry with nothing to say about most tokens, stays a handful of lookups.
    if (this.count === 0 || !token.local) return false;
    const { session, user, minter, token: single } = this.entries;
    if (token.sessionId !== undefined && session.has(token.sessionId)) return true;
    if (token.tokenId !== undefined && single.has(token.tokenId)) return true;
    const issuedAtMs = (token.issuedAt ?? 0) * 1000;
    const userFrom = user.get(token.subject);
    if (userFrom !== undefined && issuedAtMs < userFrom) return true;
    if (token.actor === undefined) return false;
    const minterFrom = minter.get(token.actor);
    return minterFrom !== undefined && issuedAtMs < minterFrom;
  }

  /** Forgets the entries no valid token can match any more. @returns how many were dropped */
  purge(nowMs: number): number {
    const cutoff = nowMs - this.retentionMs;
    let dropped = 0;
    for (const entries of Object.values(this.entries)) {
      for (const [key, at] of entries) {
        if (at >= cutoff) continue;
        entries.delete(key);
        dropped += 1;
      }
    }
    this.count -= dropped;
    return dropped;
  }
}

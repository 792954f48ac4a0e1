import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Doorkeeper } from '../../src/auth/doorkeeper';
import { type AuthenticatedIdentity } from '../../src/auth/identity';
import { hmacKey, type VerificationKey } from '../../src/auth/key-ring';
import { AuthError } from '../../src/errors';
import { thrown } from '../helpers/thrown';
import { VerifiedTokenCache } from '../../src/auth/verified-token-cache';
import { manualClock } from '../fixtures/clock';

const NOW = 1_800_000_000;
const KEY = hmacKey('k', 'a-secret-of-at-least-thirty-two-characters');

/** A token-shaped string: distinct tokens differ in their last characters, as signatures do. */
const tokenText = (length = 300) => `${'h'.repeat(length - 43)}.${randomBytes(32).toString('base64url')}`;

function verified(subject: string): AuthenticatedIdentity {
  return {
    authenticated: true,
    issuer: 'graphql-jwt-api',
    local: true,
    subject,
    username: subject,
    scopes: [],
    grantedScopes: new Set(),
    expiresAt: new Date((NOW + 900) * 1000),
    tokenId: undefined,
    keyId: KEY.id,
    actor: undefined,
    sessionId: undefined,
    issuedAt: NOW,
  };
}

function offer(cache: VerifiedTokenCache, text: string, expiresAt = NOW + 900): AuthenticatedIdentity {
  const token = verified(text.slice(-8));
  cache.remember({ text, token, expiresAt, key: KEY, keySource: undefined });
  return token;
}

describe('verified-token cache', () => {
  const clock = manualClock(NOW);

  it('remembers a token on its second sighting, and answers it from then on', async () => {
    const cache = new VerifiedTokenCache(clock, 5);
    const text = tokenText();
    offer(cache, text);
    expect(await cache.get(text)).toBeUndefined();
    const token = offer(cache, text);
    expect(await cache.get(text)).toBe(token);
    expect(cache.size).toBe(1);
  });

  it('keeps nothing from a flood of tokens seen once each (100 000 users, each token once)', async () => {
    const cache = new VerifiedTokenCache(clock, 5);
    for (let index = 0; index < 100_000; index += 1) offer(cache, tokenText());
    // The doorkeeper's Bloom filters answer "seen" wrongly now and then (about 0.15%).
    expect(cache.size).toBeLessThan(500);
  });

  it('admits every token of a rotation that fits, and none of one far longer than it holds', async () => {
    for (const [count, expected] of [
      [5_000, 5_000],
      [60_000, 0],
    ] as const) {
      const cache = new VerifiedTokenCache(clock, 5);
      const texts = Array.from({ length: count }, () => tokenText());
      for (let turn = 0; turn < 3; turn += 1) for (const text of texts) offer(cache, text);
      let remembered = 0;
      for (const text of texts) if (await cache.get(text)) remembered += 1;
      if (expected === 0) expect(remembered).toBeLessThan(count / 100);
      else expect(remembered).toBe(expected);
    }
  });

  it('is bounded by memory: the oldest entries leave first, counted by their tokens’ length', async () => {
    const budget = 64 * 1024;
    const cache = new VerifiedTokenCache(clock, 5, budget);
    const texts = Array.from({ length: 400 }, () => tokenText(1000));
    for (const text of texts) {
      offer(cache, text);
      offer(cache, text);
    }
    // 1 000 characters plus 400 bytes of overhead each: 46 fit in 64 KiB.
    expect(cache.size).toBe(Math.floor(budget / 1400));
    expect(await cache.get(texts[0]!)).toBeUndefined();
    expect(await cache.get(texts.at(-1)!)).toBeDefined();
    const kept = await Promise.all(texts.map(async (text) => (await cache.get(text)) !== undefined));
    expect(kept.indexOf(true)).toBe(texts.length - cache.size);
    expect(kept.slice(texts.length - cache.size).every(Boolean)).toBe(true);
  });

  it('never keeps a token longer than its budget', () => {
    const cache = new VerifiedTokenCache(clock, 5, 1000);
    const text = tokenText(2000);
    offer(cache, text);
    offer(cache, text);
    expect(cache.size).toBe(0);
  });

  it('refuses a remembered token once it has expired, and forgets it', async () => {
    const cache = new VerifiedTokenCache(clock, 5);
    const text = tokenText();
    offer(cache, text, NOW + 30);
    offer(cache, text, NOW + 30);
    expect(await cache.get(text)).toBeDefined();
    clock.set(NOW + 36);
    expect(thrown(() => cache.get(text), AuthError)).toMatchObject({ reason: 'TOKEN_EXPIRED' });
    expect(cache.get(text)).toBeUndefined();
    expect(cache.size).toBe(0);
    clock.set(NOW);
  });

  it("answers an external issuer's token only while its key source still holds the key", async () => {
    const cache = new VerifiedTokenCache(clock, 5);
    const text = tokenText();
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key: VerificationKey = { id: 'external-key', alg: 'ES256', publicKey };
    let published: VerificationKey | undefined = key;
    const keySource = {
      getKey: (id: string | undefined) => Promise.resolve(id === key.id ? published : undefined),
    };
    const token = verified('external');
    for (let sighting = 0; sighting < 2; sighting += 1)
      cache.remember({ text, token, expiresAt: NOW + 900, key, keySource });
    await expect(cache.get(text)).resolves.toBe(token);
    published = undefined; // the key left the issuer's JWKS
    await expect(cache.get(text)).resolves.toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('answers only for the exact token: one that ends the same way is not found', async () => {
    const cache = new VerifiedTokenCache(clock, 5);
    const text = tokenText();
    offer(cache, text);
    offer(cache, text);
    const forged = `x${text.slice(1)}`;
    expect(forged.slice(-32)).toBe(text.slice(-32));
    expect(await cache.get(forged)).toBeUndefined();
    expect(await cache.get(text)).toBeDefined();
  });

  it('replaces an entry when another valid token with the same ending is remembered', async () => {
    const cache = new VerifiedTokenCache(clock, 5);
    const text = tokenText();
    const other = `y${text.slice(1)}`;
    offer(cache, text);
    offer(cache, text);
    offer(cache, other);
    offer(cache, other);
    expect(await cache.get(text)).toBeUndefined();
    expect(await cache.get(other)).toBeDefined();
    expect(cache.size).toBe(1);
  });
});

describe('doorkeeper', () => {
  it('says a token was seen within one to two generations, and forgets it after', () => {
    const doorkeeper = new Doorkeeper(1000);
    const texts = Array.from({ length: 3000 }, () => tokenText());
    expect(doorkeeper.seenBefore(texts[0]!)).toBe(false);
    expect(doorkeeper.seenBefore(texts[0]!)).toBe(true);
    for (const text of texts.slice(1, 1500)) doorkeeper.seenBefore(text);
    expect(doorkeeper.seenBefore(texts[0]!)).toBe(true); // the previous generation still holds it
    for (const text of texts.slice(1500)) doorkeeper.seenBefore(text);
    expect(doorkeeper.seenBefore(texts[0]!)).toBe(false); // two generations later: forgotten
  });

  it('rarely mistakes a new token for a seen one', () => {
    const doorkeeper = new Doorkeeper(10_000);
    let wrong = 0;
    for (let index = 0; index < 50_000; index += 1) if (doorkeeper.seenBefore(tokenText())) wrong += 1;
    expect(wrong / 50_000).toBeLessThan(0.01);
  });
});

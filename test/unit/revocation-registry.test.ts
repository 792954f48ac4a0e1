import { RevocationRegistry } from '../../src/auth/revocation-registry';
import { type VerifiedToken } from '../../src/auth/token-claims';

const T = 1_800_000_000_000;
const RETENTION = 3_600_000;

function token(overrides: Partial<VerifiedToken> = {}): VerifiedToken {
  return {
    issuer: 'graphql-jwt-api',
    local: true,
    subject: 'user-1',
    username: 'jane',
    scopes: [],
    grantedScopes: new Set(),
    expiresAt: new Date(T + 60_000),
    tokenId: 'jti-1',
    keyId: 'k',
    actor: undefined,
    sessionId: 'sid-1',
    issuedAt: (T - 1000) / 1000,
    ...overrides,
  };
}

describe('revocation registry', () => {
  it('refuses nothing while empty, and a token none of its entries match', () => {
    const registry = new RevocationRegistry(RETENTION);
    expect(registry.revokes(token())).toBe(false);
    registry.add([{ kind: 'session', key: 'other', at: T }]);
    expect(registry.revokes(token())).toBe(false);
  });

  it('revokes by session and by token id, whenever the token was issued', () => {
    const registry = new RevocationRegistry(RETENTION);
    registry.add([{ kind: 'session', key: 'sid-1', at: T }]);
    expect(registry.revokes(token({ issuedAt: (T + 5000) / 1000 }))).toBe(true);
    registry.add([{ kind: 'token', key: 'jti-2', at: T }]);
    expect(registry.revokes(token({ sessionId: undefined, tokenId: 'jti-2' }))).toBe(true);
    expect(registry.revokes(token({ sessionId: undefined, tokenId: 'jti-3' }))).toBe(false);
  });

  it("revokes a user's and a minter's tokens issued before the revocation, to the millisecond", () => {
    const registry = new RevocationRegistry(RETENTION);
    registry.add([
      { kind: 'user', key: 'user-1', at: T },
      { kind: 'minter', key: 'admin-1', at: T },
    ]);
    expect(registry.revokes(token({ issuedAt: (T - 1) / 1000, sessionId: undefined }))).toBe(true);
    expect(registry.revokes(token({ issuedAt: T / 1000, sessionId: undefined }))).toBe(false);
    const minted = { subject: 'svc', sessionId: undefined, tokenId: 'jti-9', actor: 'admin-1' };
    expect(registry.revokes(token({ ...minted, issuedAt: (T - 1) / 1000 }))).toBe(true);
    expect(registry.revokes(token({ ...minted, issuedAt: (T + 1) / 1000 }))).toBe(false);
    // No iat: nothing shows it came after the revocation.
    expect(registry.revokes(token({ issuedAt: undefined, sessionId: undefined }))).toBe(true);
  });

  it("keeps the latest revocation of a key, and leaves a trusted issuer's tokens alone", () => {
    const registry = new RevocationRegistry(RETENTION);
    registry.add([{ kind: 'user', key: 'user-1', at: T }]);
    registry.add([{ kind: 'user', key: 'user-1', at: T - 5000 }]);
    expect(registry.size).toBe(1);
    expect(registry.revokes(token({ issuedAt: (T - 1) / 1000, sessionId: undefined }))).toBe(true);
    expect(registry.revokes(token({ local: false, issuedAt: 0 }))).toBe(false);
  });

  it('forgets entries once no token they match can still be valid', () => {
    const registry = new RevocationRegistry(RETENTION);
    registry.add([
      { kind: 'session', key: 'old', at: T - RETENTION - 1 },
      { kind: 'user', key: 'user-1', at: T },
    ]);
    expect(registry.purge(T)).toBe(1);
    expect(registry.size).toBe(1);
    expect(registry.revokes(token({ sessionId: 'old', issuedAt: T / 1000 }))).toBe(false);
  });
});

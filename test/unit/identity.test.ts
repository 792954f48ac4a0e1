import { identityFromToken } from '../../src/auth/identity';
import { type VerifiedToken } from '../../src/auth/token-claims';

const verified = (scopes: string[]): VerifiedToken => ({
  issuer: 'graphql-jwt-api',
  local: true,
  subject: '4',
  username: 'Jane',
  scopes,
  grantedScopes: new Set(scopes),
  expiresAt: new Date(1_800_000_000_000),
  tokenId: 'jti-1',
  keyId: '2026-11',
  actor: undefined,
  sessionId: undefined,
  issuedAt: 1_799_999_100,
});

describe('the identity of a verified token', () => {
  it('is the token without its key id, frozen, and built once per token', () => {
    const token = verified(['read']);
    const identity = identityFromToken(token);
    const { keyId: _keyId, ...claims } = token;
    expect(identity).toEqual({ authenticated: true, ...claims });
    expect(Object.isFrozen(identity)).toBe(true);
    expect(identityFromToken(token)).toBe(identity);
    // Another token with the same claims has an identity of its own.
    expect(identityFromToken(verified(['read']))).not.toBe(identity);
  });

  it('leaves the token as it was: nothing enumerable is added to it', () => {
    const token = verified(['read']);
    const keys = Reflect.ownKeys(token).filter((key) =>
      Object.prototype.propertyIsEnumerable.call(token, key),
    );
    identityFromToken(token);
    expect(
      Reflect.ownKeys(token).filter((key) => Object.prototype.propertyIsEnumerable.call(token, key)),
    ).toEqual(keys);
    expect(token).toEqual(verified(['read']));
  });

  it('keeps scopes it cannot share: a token with an unfrozen list gets a frozen copy', () => {
    const scopes = ['read'];
    const identity = identityFromToken(verified(scopes));
    scopes.push('admin');
    expect(identity.scopes).toEqual(['read']);
    expect(Object.isFrozen(identity.scopes)).toBe(true);
    const frozen = Object.freeze(['read']);
    expect(identityFromToken({ ...verified([]), scopes: frozen }).scopes).toBe(frozen);
  });
});

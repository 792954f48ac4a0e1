import { createAuthenticator } from '../../src/auth/authenticate';
import { ANONYMOUS } from '../../src/auth/identity';
import { manualClock } from '../fixtures/clock';
import { testTokenService } from '../helpers/tokens';

const NOW = 1_800_000_000;

describe('the identity of a verified token', () => {
  const tokens = testTokenService({ clock: manualClock(NOW) });
  const authenticate = createAuthenticator(tokens);

  it('is the verified token itself: authenticated, frozen, its scopes frozen', async () => {
    const issued = tokens.issue({ subject: '4', username: 'Jane', scopes: ['read'] });
    const identity = await authenticate(`Bearer ${issued.token}`);
    expect(identity).toMatchObject({ authenticated: true, subject: '4', username: 'Jane', scopes: ['read'] });
    expect(Object.isFrozen(identity)).toBe(true);
    if (!identity.authenticated) throw new Error('not authenticated');
    expect(Object.isFrozen(identity.scopes)).toBe(true);
    // Shared between requests, so no request can change what another sees.
    expect(() => {
      (identity as { username: string }).username = 'admin';
    }).toThrow(TypeError);
    expect(() => (identity.scopes as string[]).push('admin')).toThrow(TypeError);
  });

  it('is made once per token: every request that brings a remembered token gets the same object', async () => {
    const issued = tokens.issue({ subject: '4', username: 'Jane', scopes: ['read'] });
    const first = await authenticate(`Bearer ${issued.token}`); // first sighting: verified, not remembered
    const second = await authenticate(`Bearer ${issued.token}`); // second: verified again, and remembered
    const third = await authenticate(`Bearer ${issued.token}`);
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    expect(third).toBe(second);
    // Another token of the same caller has an identity of its own.
    const other = tokens.issue({ subject: '4', username: 'Jane', scopes: ['read'] });
    expect(await authenticate(`Bearer ${other.token}`)).not.toBe(third);
  });

  it('is anonymous without a header', async () => {
    expect(await authenticate(undefined)).toBe(ANONYMOUS);
  });
});

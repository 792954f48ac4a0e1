import { readBearerToken } from '../../src/auth/bearer';
import { bearerChallenge, insufficientScopeChallenge } from '../../src/auth/www-authenticate';
import { AuthError } from '../../src/errors';
import { thrown } from '../helpers/thrown';

const reason = (header: string | string[]) => thrown(() => readBearerToken(header), AuthError).reason;

describe('readBearerToken', () => {
  it('treats a missing header as an anonymous request', () => {
    expect(readBearerToken(undefined)).toBeUndefined();
  });

  it.each([
    'Bearer abc.def.ghi',
    'bearer abc.def.ghi',
    'BEARER abc.def.ghi',
    'Bearer   abc.def.ghi',
    ' Bearer abc.def.ghi ',
  ])('reads the token from %j (the scheme is case-insensitive)', (header) => {
    expect(readBearerToken(header)).toBe('abc.def.ghi');
  });

  it('accepts every b64token character, including trailing "="', () => {
    expect(readBearerToken('Bearer aZ09-._~+/==')).toBe('aZ09-._~+/==');
  });

  it.each([
    ['Basic dXNlcjpwYXNz', 'AUTH_SCHEME_UNSUPPORTED'],
    ['Token abc', 'AUTH_SCHEME_UNSUPPORTED'],
    ['Bearerabc.def', 'AUTH_SCHEME_UNSUPPORTED'],
    ['Bearer', 'CREDENTIALS_MALFORMED'],
    ['Bearer ', 'CREDENTIALS_MALFORMED'],
    ['', 'CREDENTIALS_MALFORMED'],
    ['   ', 'CREDENTIALS_MALFORMED'],
    ['Bearer abc def', 'CREDENTIALS_MALFORMED'],
    ['Bearer abc=def', 'CREDENTIALS_MALFORMED'],
    ['Bearer "abc"', 'CREDENTIALS_MALFORMED'],
    ['Bearer abc\tdef', 'CREDENTIALS_MALFORMED'],
    ['Bearer ☃', 'CREDENTIALS_MALFORMED'],
    ['Bearer,abc', 'CREDENTIALS_MALFORMED'],
    [`Bearer ${'a'.repeat(9000)}`, 'CREDENTIALS_MALFORMED'],
  ])('refuses %j with %s', (header, expected) => {
    expect(reason(header)).toBe(expected);
  });

  it('refuses a header given as a list', () => {
    expect(reason(['Bearer a', 'Bearer b'])).toBe('CREDENTIALS_MALFORMED');
  });
});

describe('WWW-Authenticate challenges (RFC 6750 §3)', () => {
  it('sends a plain challenge when no Bearer credential was offered', () => {
    expect(bearerChallenge('api', 'AUTHENTICATION_REQUIRED')).toBe('Bearer realm="api"');
    expect(bearerChallenge('api', 'AUTH_SCHEME_UNSUPPORTED')).toBe('Bearer realm="api"');
  });

  it('sends invalid_token with a fixed description for a refused token', () => {
    expect(bearerChallenge('api', 'TOKEN_EXPIRED')).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token has expired."',
    );
  });

  it('sends insufficient_scope with the scopes required', () => {
    expect(insufficientScopeChallenge('api', ['admin', 'write'])).toBe(
      'Bearer realm="api", error="insufficient_scope", scope="admin write"',
    );
  });

  it('keeps a configured realm inside its quotes', () => {
    expect(bearerChallenge('a"b\\c\r\nd', 'AUTHENTICATION_REQUIRED')).toBe('Bearer realm="abcd"');
  });
});

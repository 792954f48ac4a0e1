import { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import { MeDocument, PermissionsDocument } from '../../clients/typescript/src/index';
import { FOREIGN_KEY, KEY_2026_11 } from '../fixtures/keys';
import { execute, startTestServer, type TestServer } from '../helpers/server';
import { craftToken, validClaims } from '../helpers/tokens';

const INVALID_TOKEN =
  'Bearer realm="graphql-jwt-api", error="invalid_token", error_description="The access token is invalid."';
const MALFORMED =
  'Bearer realm="graphql-jwt-api", error="invalid_token", error_description="The Authorization header is not a valid Bearer credential."';

describe('refused credentials over HTTP (RFC 6750)', () => {
  let server: TestServer;
  let token: string;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    server = await startTestServer();
    token = server.tokens.issue({ subject: '4', username: 'Jane', scopes: ['admin'] }).token;
  });
  afterAll(() => server.close());

  it.each(['Bearer', 'bearer', 'BEARER', 'BeArEr'])('accepts the %s scheme name', async (scheme) => {
    const response = await execute(server.app, MeDocument, {}, { authorization: `${scheme} ${token}` });
    expect(response.status).toBe(200);
    expect(response.body.data?.me.greeting).toBe('Hey Jane');
  });

  const cases: Array<[string, () => string, string, string]> = [
    [
      "the article's tampered token (+ 'gh67j')",
      () => `Bearer ${token}gh67j`,
      'TOKEN_INVALID',
      INVALID_TOKEN,
    ],
    [
      'a token signed with another key',
      () =>
        `Bearer ${craftToken({ alg: 'HS256', kid: KEY_2026_11.id }, validClaims(now()), FOREIGN_KEY.secret)}`,
      'TOKEN_INVALID',
      INVALID_TOKEN,
    ],
    [
      'an alg "none" token',
      () =>
        `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(validClaims(now()))).toString('base64url')}.`,
      'TOKEN_INVALID',
      INVALID_TOKEN,
    ],
    [
      'a token with no exp',
      () =>
        `Bearer ${craftToken({ alg: 'HS256', kid: KEY_2026_11.id }, validClaims(now(), { exp: undefined }), KEY_2026_11.secret)}`,
      'TOKEN_INVALID',
      INVALID_TOKEN,
    ],
    [
      'a token for another audience',
      () =>
        `Bearer ${craftToken({ alg: 'HS256', kid: KEY_2026_11.id }, validClaims(now(), { aud: 'x' }), KEY_2026_11.secret)}`,
      'TOKEN_INVALID',
      INVALID_TOKEN,
    ],
    [
      'a token with an unknown kid',
      () =>
        `Bearer ${craftToken({ alg: 'HS256', kid: "1' OR '1'='1" }, validClaims(now()), KEY_2026_11.secret)}`,
      'TOKEN_INVALID',
      INVALID_TOKEN,
    ],
    [
      'a token from the future',
      () =>
        `Bearer ${craftToken({ alg: 'HS256', kid: KEY_2026_11.id }, validClaims(now(), { nbf: now() + 3600 }), KEY_2026_11.secret)}`,
      'TOKEN_NOT_YET_VALID',
      'Bearer realm="graphql-jwt-api", error="invalid_token", error_description="The access token is not valid yet."',
    ],
    ['a bare scheme', () => 'Bearer', 'CREDENTIALS_MALFORMED', MALFORMED],
    ['an empty header', () => '', 'CREDENTIALS_MALFORMED', MALFORMED],
    ['two tokens', () => `Bearer ${token} ${token}`, 'CREDENTIALS_MALFORMED', MALFORMED],
    ['a quoted token', () => `Bearer "${token}"`, 'CREDENTIALS_MALFORMED', MALFORMED],
    ['random bytes', () => 'Bearer \u00ff\u00fe\u0001garbage', 'CREDENTIALS_MALFORMED', MALFORMED],
    ['a huge token', () => `Bearer ${'a'.repeat(7000)}`, 'TOKEN_INVALID', INVALID_TOKEN],
    [
      'Basic credentials',
      () => 'Basic dXNlcjpwYXNz',
      'AUTH_SCHEME_UNSUPPORTED',
      'Bearer realm="graphql-jwt-api"',
    ],
  ];

  it.each(cases)('refuses %s: 401, its challenge and reason', async (_case, header, reason, challenge) => {
    const authorization = header();
    const response = await execute(server.app, MeDocument, {}, { authorization });
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(challenge);
    expect(response.body).toEqual({
      errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED', reason } }],
    });
    // Nothing of the credential comes back: not the token, not a claim, not a library message or stack.
    const credential = authorization.replace(/^\S+\s*/, '');
    if (credential.length > 8) expect(response.raw).not.toContain(credential.slice(0, 40));
    expect(response.raw).not.toMatch(/Jane|stack|at \w+ \(|njwt|Jwt/);
  });

  it('fails the whole request even when only public fields are asked for', async () => {
    const response = await execute(
      server.app,
      PermissionsDocument,
      {},
      { authorization: `Bearer ${token}gh67j` },
    );
    expect(response.status).toBe(401);
    expect(response.body.data).toBeUndefined();
  });

  it('answers every random header value with 200 or 401, never a crash or a 500', async () => {
    // A fixed-seed generator keeps the run repeatable while covering many shapes of garbage.
    let seed = 42;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    const alphabet = ` !"#$%&'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_\`abcxyz{|}~\u00a0\u00ff`;
    for (let round = 0; round < 300; round += 1) {
      const length = next() % 200;
      let text = '';
      for (let i = 0; i < length; i += 1) text += alphabet[next() % alphabet.length];
      const prefix = ['', 'Bearer ', 'bearer  ', 'Basic '][next() % 4]!;
      const response = await execute(
        server.app,
        PermissionsDocument,
        {},
        { authorization: `${prefix}${text}`.trim() },
      );
      expect([200, 401]).toContain(response.status);
    }
  });

  it('stays up: a valid request still succeeds after every refusal', async () => {
    const response = await execute(server.app, MeDocument, {}, { token });
    expect(response.body.data?.me.id).toBe('4');
  });

  describe('tokens signed by an independent implementation (jose)', () => {
    const sign = (options: { alg?: string; secret?: string; audience?: string } = {}) =>
      new SignJWT({ username: 'Joe', scope: 'read' })
        .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT', kid: KEY_2026_11.id })
        .setSubject('joe')
        .setIssuer('graphql-jwt-api')
        .setAudience(options.audience ?? 'graphql-jwt-api')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(options.secret ?? KEY_2026_11.secret));

    it('accepts a correctly signed one', async () => {
      const response = await execute(server.app, MeDocument, {}, { token: await sign() });
      expect(response.status).toBe(200);
      expect(response.body.data?.me).toMatchObject({ id: 'joe', greeting: 'Hey Joe', scopes: ['read'] });
    });

    it.each([
      ['the wrong key', { secret: FOREIGN_KEY.secret }],
      ['the wrong algorithm', { alg: 'HS384' }],
      ['the wrong audience', { audience: 'reports' }],
    ])('refuses one with %s', async (_case, options) => {
      const response = await execute(server.app, MeDocument, {}, { token: await sign(options) });
      expect(response.status).toBe(401);
      expect(response.body.errors?.[0]?.extensions).toEqual({
        code: 'UNAUTHENTICATED',
        reason: 'TOKEN_INVALID',
      });
    });
  });

  it('does not let the signature check be sped past by a padded signature', async () => {
    const input = token.slice(0, token.lastIndexOf('.'));
    const padded = `${input}.${createHmac('sha256', KEY_2026_11.secret).update(input).digest('base64')}`;
    const response = await execute(server.app, MeDocument, {}, { token: padded });
    expect(response.status).toBe(401);
  });
});

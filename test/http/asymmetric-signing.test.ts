import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { loadKeyRing } from '../../src/auth/signing-keys';
import { parseConfig } from '../../src/config';
import { MeDocument } from '../../clients/typescript/src/index';
import { execute, startTestServer, type TestServer } from '../helpers/server';

const folder = mkdtempSync(join(tmpdir(), 'signing-keys-'));

/** Writes a new private key as PEM and returns its path. */
function privateKeyFile(name: string, kind: 'rsa' | 'ec', modulusLength = 2048): string {
  const { privateKey } =
    kind === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength })
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const path = join(folder, `${name}.pem`);
  writeFileSync(path, privateKey.export({ format: 'pem', type: 'pkcs8' }));
  return path;
}

interface Jwks {
  keys: Array<Record<string, string>>;
}

describe.each([
  ['RS256', 'rsa', 'RSA'],
  ['ES256', 'ec', 'EC'],
] as const)('this API signing with %s', (alg, kind, kty) => {
  let server: TestServer;
  let address: string;
  const oldKey = privateKeyFile(`${alg}-old`, kind);
  const newKey = privateKeyFile(`${alg}-new`, kind);

  beforeAll(async () => {
    server = await startTestServer({
      env: {
        SIGNING_KEYS: '', // the shared test environment's HS256 secrets do not apply
        SIGNING_ALGORITHM: alg,
        SIGNING_PRIVATE_KEYS: `old=${oldKey},new=${newKey}`,
        SIGNING_KEY_ID: 'new',
      },
    });
    address = await server.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => server.close());

  it('signs with the active key and accepts its own tokens', async () => {
    const { token } = server.tokens.issue({ subject: '4', username: 'Jane', scopes: ['admin'] });
    expect(decodeProtectedHeader(token)).toEqual({ alg, typ: 'JWT', kid: 'new' });
    expect((await execute(server.app, MeDocument, {}, { token })).body.data?.me.greeting).toBe('Hey Jane');
  });

  it('publishes every configured public key at /.well-known/jwks.json, and nothing private', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    const { keys } = response.json<Jwks>();
    expect(keys.map((key) => [key.kid, key.kty, key.use, key.alg])).toEqual([
      ['old', kty, 'sig', alg],
      ['new', kty, 'sig', alg],
    ]);
    for (const key of keys)
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(member);
  });

  it('lets an independent implementation (jose) verify its tokens through the published JWKS', async () => {
    const { token } = server.tokens.issue({ subject: '4', username: 'Jane', scopes: [] });
    const keySet = createRemoteJWKSet(new URL(`${address}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(token, keySet, {
      issuer: 'graphql-jwt-api',
      audience: 'graphql-jwt-api',
    });
    expect(payload).toMatchObject({ sub: '4', username: 'Jane' });
  });

  it('still accepts tokens of the retiring key while it is listed', async () => {
    const before = await startTestServer({
      env: { SIGNING_KEYS: '', SIGNING_ALGORITHM: alg, SIGNING_PRIVATE_KEYS: `old=${oldKey}` },
    });
    const { token } = before.tokens.issue({ subject: '5', username: 'Old', scopes: [] });
    await before.close();
    expect(decodeProtectedHeader(token).kid).toBe('old');
    expect((await execute(server.app, MeDocument, {}, { token })).status).toBe(200);
  });

  it('refuses an HS256 token, whatever key it claims (algorithm confusion)', async () => {
    const hs = await startTestServer();
    const { token } = hs.tokens.issue({ subject: '6', username: 'Mallory', scopes: [] });
    await hs.close();
    const response = await execute(server.app, MeDocument, {}, { token });
    expect(response.status).toBe(401);
  });
});

describe('the published JWKS with HS256', () => {
  it('is empty: a shared secret is never published', async () => {
    const server = await startTestServer();
    const response = await server.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    await server.close();
    expect(response.json()).toEqual({ keys: [] });
  });
});

describe('loading private keys at startup', () => {
  const load = (env: Record<string, string>) => () =>
    loadKeyRing(parseConfig({ SIGNING_ALGORITHM: 'RS256', ...env }));

  it('names the key by its RFC 7638 thumbprint unless SIGNING_KEY_ID says otherwise', () => {
    const { keyRing } = load({ SIGNING_PRIVATE_KEY_FILE: privateKeyFile('thumb', 'rsa') })();
    expect(keyRing.active.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it.each([
    ['an RSA key under 2048 bits', () => privateKeyFile('short', 'rsa', 1024), /at least 2048 bits/],
    ['an EC key for RS256', () => privateKeyFile('ec-for-rs', 'ec'), /RS256 needs an RSA key/],
    ['a missing file', () => join(folder, 'nope.pem'), /cannot read the private key file/],
    [
      'a file that is not PEM',
      () => {
        const path = join(folder, 'garbage.pem');
        writeFileSync(path, 'not a key');
        return path;
      },
      /does not hold a PEM private key/,
    ],
  ])('refuses %s with a clear startup error', (_case, file, message) => {
    expect(load({ SIGNING_PRIVATE_KEY_FILE: file() })).toThrow(message);
  });

  it('refuses to start without a private key when RS256 is chosen', () => {
    expect(() => parseConfig({ SIGNING_ALGORITHM: 'RS256' })).toThrow(/SIGNING_PRIVATE_KEY_FILE: required/);
  });
});

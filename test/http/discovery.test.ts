import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MeDocument } from '../../clients/typescript/src/index';
import { startJwksServer, type JwksServer } from '../helpers/jwks-server';
import { execute, startTestServer, type TestServer } from '../helpers/server';

const B_ISSUER = 'graphql-jwt-api-b';
const A_AUDIENCE = 'graphql-jwt-api-a';

function ecKeyFile(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const path = join(mkdtempSync(join(tmpdir(), 'discovery-')), 'b.pem');
  writeFileSync(path, privateKey.export({ format: 'pem', type: 'pkcs8' }));
  return path;
}

/** A loopback port free now, so that instance B can be told its public address before it listens. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('OpenID Connect discovery', () => {
  let b: TestServer;
  let a: TestServer;
  let bUrl: string;
  let impostor: JwksServer;
  let c: TestServer;

  beforeAll(async () => {
    const port = await freePort();
    bUrl = `http://127.0.0.1:${port}`;
    b = await startTestServer({
      env: {
        SIGNING_KEYS: '',
        SIGNING_ALGORITHM: 'ES256',
        SIGNING_PRIVATE_KEY_FILE: ecKeyFile(),
        JWT_ISSUER: B_ISSUER,
        JWT_AUDIENCE: A_AUDIENCE,
        PUBLIC_URL: `${bUrl}/`,
      },
    });
    await b.app.listen({ host: '127.0.0.1', port });
    // Serves B's real keys behind a discovery document that names another issuer.
    impostor = await startJwksServer(() => ({
      body: JSON.stringify({ issuer: 'someone-else', jwks_uri: `${bUrl}/.well-known/jwks.json` }),
    }));
    const trust = (discoveryUrl: string) =>
      JSON.stringify([{ issuer: B_ISSUER, audience: A_AUDIENCE, algorithms: ['ES256'], discoveryUrl }]);
    a = await startTestServer({
      env: { TRUSTED_ISSUERS: trust(`${bUrl}/.well-known/openid-configuration`), JWKS_TIMEOUT: '2s' },
    });
    c = await startTestServer({ env: { TRUSTED_ISSUERS: trust(impostor.url), JWKS_TIMEOUT: '2s' } });
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close(), c.close(), impostor.close()]);
  });

  it('describes the issuer, where its keys are and its one algorithm, and nothing it does not do', async () => {
    const response = await b.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    expect(response.json()).toEqual({
      issuer: B_ISSUER,
      jwks_uri: `${bUrl}/.well-known/jwks.json`,
      id_token_signing_alg_values_supported: ['ES256'],
      subject_types_supported: ['public'],
      claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'scope', 'username', 'sid', 'act'],
    });
  });

  it('lets another instance trust this one through its discovery document alone', async () => {
    const { token } = b.tokens.issue({ subject: '7', username: 'Bea', scopes: [] });
    const response = await execute(a.app, MeDocument, {}, { token });
    expect(response.status).toBe(200);
    expect(response.body.data?.me.greeting).toBe('Hey Bea');
  });

  it('refuses the keys behind a discovery document that names another issuer', async () => {
    const { token } = b.tokens.issue({ subject: '7', username: 'Bea', scopes: [] });
    const response = await execute(c.app, MeDocument, {}, { token });
    expect(response.status).toBe(401);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(c.logs.join('\n')).toContain('the discovery document names another issuer');
  });

  it.each([
    ['HS256, whose secret only this API may hold', {}, /shared secret \(HS256\)/],
    [
      'no public address',
      { SIGNING_KEYS: '', SIGNING_ALGORITHM: 'ES256', SIGNING_PRIVATE_KEY_FILE: ecKeyFile() },
      /PUBLIC_URL is not set/,
    ],
  ])('answers 404 with the reason for %s', async (_case, env, reason) => {
    const server = await startTestServer({ env });
    try {
      const response = await server.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({
        error: 'discovery_unavailable',
        message: expect.stringMatching(reason),
      });
    } finally {
      await server.close();
    }
  });

  it('uses JWT_ISSUER as the public address when it is a URL', async () => {
    const server = await startTestServer({
      env: {
        SIGNING_KEYS: '',
        SIGNING_ALGORITHM: 'ES256',
        SIGNING_PRIVATE_KEY_FILE: ecKeyFile(),
        JWT_ISSUER: 'https://api.example.com/',
      },
    });
    try {
      const response = await server.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' });
      expect(response.json()).toMatchObject({
        issuer: 'https://api.example.com/',
        jwks_uri: 'https://api.example.com/.well-known/jwks.json',
      });
    } finally {
      await server.close();
    }
  });
});

import { exportJWK, generateKeyPair } from 'jose';
import { remoteKeySet } from '../../src/auth/remote-key-set';
import { createLogger } from '../../src/logger';
import { manualClock } from '../fixtures/clock';
import { startJwksServer, type JwksServer } from '../helpers/jwks-server';

describe('remote key set caching', () => {
  let server: JwksServer;
  let body: string;
  let cacheControl = 'max-age=600';

  beforeAll(async () => {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    body = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] });
    server = await startJwksServer(() => ({
      body,
      headers: { 'content-type': 'application/json', 'cache-control': cacheControl },
    }));
  });
  afterAll(() => server.close());

  const keySet = (clock: () => number) =>
    remoteKeySet({
      location: { jwksUri: server.url },
      algorithms: ['ES256'],
      timeoutMs: 1000,
      minCacheSeconds: 60,
      maxCacheSeconds: 3600,
      cooldownSeconds: 30,
      log: createLogger('silent'),
      clock,
    });

  it.each([
    ['honours max-age within the bounds', 'max-age=600', 599, 601],
    ['raises a tiny max-age to the floor', 'max-age=5', 59, 61],
    ['caps a huge max-age at the ceiling', 'max-age=999999', 3599, 3601],
    ['treats no-store as the floor', 'no-store', 59, 61],
  ])('%s', async (_case, header, stillCached, refetched) => {
    cacheControl = header;
    const clock = manualClock();
    const keys = keySet(clock);
    const start = server.requests();
    expect((await keys.getKey('k1'))?.alg).toBe('ES256');
    clock.advance(stillCached);
    await keys.getKey('k1');
    expect(server.requests()).toBe(start + 1);
    clock.advance(refetched - stillCached);
    await keys.getKey('k1');
    expect(server.requests()).toBe(start + 2);
  });

  it('shares one fetch between concurrent requests', async () => {
    const keys = keySet(manualClock());
    const start = server.requests();
    await Promise.all(Array.from({ length: 20 }, () => keys.getKey('k1')));
    expect(server.requests()).toBe(start + 1);
  });
});

describe('a key set found through a discovery document', () => {
  let jwks: JwksServer;
  let discovery: JwksServer;
  let document: () => { status?: number; body: string };

  beforeAll(async () => {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    const key = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    jwks = await startJwksServer(() => ({ body: JSON.stringify({ keys: [key] }) }));
    discovery = await startJwksServer(() => document());
  });
  afterAll(async () => {
    await jwks.close();
    await discovery.close();
  });

  function keySet() {
    const lines: string[] = [];
    const keys = remoteKeySet({
      location: { discoveryUrl: discovery.url, issuer: 'https://idp.example/' },
      algorithms: ['ES256'],
      timeoutMs: 1000,
      minCacheSeconds: 60,
      maxCacheSeconds: 3600,
      cooldownSeconds: 30,
      log: createLogger('info', { write: (line) => lines.push(line) }),
      clock: manualClock(),
    });
    return { keys, lines };
  }

  it('follows jwks_uri when the document names the configured issuer', async () => {
    document = () => ({ body: JSON.stringify({ issuer: 'https://idp.example/', jwks_uri: jwks.url }) });
    expect((await keySet().keys.getKey('k1'))?.alg).toBe('ES256');
  });

  it.each([
    ['is not JSON', () => ({ body: '<html>' }), 'the response is not JSON'],
    ['is a list', () => ({ body: '[]' }), 'the discovery document is not a JSON object'],
    ['is an error page', () => ({ status: 503, body: '{}' }), 'HTTP 503'],
    [
      'names another issuer',
      () => ({ body: JSON.stringify({ issuer: 'https://evil.example/', jwks_uri: jwks.url }) }),
      'the discovery document names another issuer',
    ],
    [
      'has no jwks_uri',
      () => ({ body: JSON.stringify({ issuer: 'https://idp.example/' }) }),
      'the discovery document has no http(s) jwks_uri',
    ],
    [
      'points jwks_uri at a file',
      () => ({ body: JSON.stringify({ issuer: 'https://idp.example/', jwks_uri: 'file:///etc/passwd' }) }),
      'the discovery document has no http(s) jwks_uri',
    ],
  ])('holds no key when the document %s, and says why', async (_case, respond, problem) => {
    document = respond;
    const { keys, lines } = keySet();
    expect(await keys.getKey('k1')).toBeUndefined();
    expect(lines.join('\n')).toContain(`"problem":"${problem}"`);
  });
});

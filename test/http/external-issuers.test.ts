import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { MeDocument } from '../../clients/typescript/src/index';
import { manualClock } from '../fixtures/clock';
import { startJwksServer, type JwksServer } from '../helpers/jwks-server';
import { execute, startTestServer, type TestServer } from '../helpers/server';

const ISSUER = 'https://tenant.idp.example/';
const AUDIENCE = 'https://api.example.com';

interface ProviderKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  readonly privateKey: KeyObject;
  readonly jwk: JWK;
}

async function providerKey(kid: string, alg: 'RS256' | 'ES256', modulusLength = 2048): Promise<ProviderKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { modulusLength, extractable: true });
  return {
    kid,
    alg,
    privateKey: privateKey as KeyObject,
    jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
  };
}

const jwks =
  (...keys: ProviderKey[]) =>
  () => ({
    body: JSON.stringify({ keys: keys.map((key) => key.jwk) }),
    headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=600' },
  });

/** A token as an Auth0-like provider signs it (with jose): the username and scopes in its own claims. */
function providerToken(
  key: ProviderKey,
  nowSeconds: number,
  claims: Record<string, unknown> = {},
  header = {},
) {
  return new SignJWT({ nickname: 'Ada', permissions: ['read', 'write'], ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('auth0|ada')
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + 600)
    .sign(key.privateKey);
}

describe('tokens from a trusted external issuer (JWKS)', () => {
  const clock = manualClock(Math.floor(Date.now() / 1000));
  let provider: JwksServer;
  let attacker: JwksServer;
  let server: TestServer;
  let rsa: ProviderKey;
  let ec: ProviderKey;

  const me = (token: string) => execute(server.app, MeDocument, {}, { token });
  const reason = async (token: string) => {
    const response = await me(token);
    return [response.status, response.body.errors?.[0]?.extensions?.reason];
  };

  beforeAll(async () => {
    rsa = await providerKey('rsa-1', 'RS256');
    ec = await providerKey('ec-1', 'ES256');
    provider = await startJwksServer(jwks(rsa, ec));
    attacker = await startJwksServer(() => ({ body: '{"keys":[]}' }));
    server = await startTestServer({
      clock,
      env: {
        JWKS_TIMEOUT: '1s',
        JWKS_CACHE_MIN: '60s',
        JWKS_CACHE_MAX: '1h',
        JWKS_COOLDOWN: '30s',
        TRUSTED_ISSUERS: JSON.stringify([
          {
            issuer: ISSUER,
            audience: AUDIENCE,
            algorithms: ['RS256', 'ES256'],
            jwksUri: provider.url,
            usernameClaim: 'nickname',
            scopesClaim: 'permissions',
          },
        ]),
      },
    });
  });
  afterAll(async () => {
    await server.close();
    await provider.close();
    await attacker.close();
  });

  it.each(['RS256', 'ES256'])(
    'accepts a %s token and normalises its claims into the same identity',
    async (alg) => {
      const token = await providerToken(alg === 'RS256' ? rsa : ec, clock() / 1000);
      const response = await me(token);
      expect(response.status).toBe(200);
      expect(response.body.data?.me).toMatchObject({
        id: 'auth0|ada',
        username: 'Ada',
        greeting: 'Hey Ada',
        scopes: ['read', 'write'],
      });
    },
  );

  it('refuses a token from an issuer it does not trust, without fetching anything', async () => {
    const before = provider.requests();
    const token = await new SignJWT({ nickname: 'Eve' })
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .setIssuer('https://evil.example/')
      .setAudience(AUDIENCE)
      .setSubject('eve')
      .setExpirationTime(clock() / 1000 + 600)
      .sign(rsa.privateKey);
    expect(await reason(token)).toEqual([401, 'TOKEN_INVALID']);
    expect(provider.requests()).toBe(before);
  });

  it('never fetches a key URL named by the token (jku, x5u) and refuses a key embedded in it (jwk)', async () => {
    const stranger = await providerKey('rsa-1', 'RS256');
    const jku = await providerToken(stranger, clock() / 1000, {}, { jku: attacker.url, x5u: attacker.url });
    const jwk = await providerToken(stranger, clock() / 1000, {}, { jwk: stranger.jwk });
    expect(await reason(jku)).toEqual([401, 'TOKEN_INVALID']);
    expect(await reason(jwk)).toEqual([401, 'TOKEN_INVALID']);
    expect(attacker.requests()).toBe(0);
  });

  it("refuses algorithm confusion: an HS256 token keyed with the provider's public key", async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', kid: 'rsa-1' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 'x', nickname: 'x', exp: clock() / 1000 + 600 }),
    ).toString('base64url');
    const secret = JSON.stringify(rsa.jwk);
    const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
    expect(await reason(`${header}.${payload}.${signature}`)).toEqual([401, 'TOKEN_INVALID']);
  });

  it('refuses an external token that claims this API as its issuer', async () => {
    const token = await new SignJWT({ username: 'root', scope: 'admin' })
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .setIssuer('graphql-jwt-api')
      .setAudience('graphql-jwt-api')
      .setSubject('root')
      .setExpirationTime(clock() / 1000 + 600)
      .sign(rsa.privateKey);
    expect(await reason(token)).toEqual([401, 'TOKEN_INVALID']);
  });

  it.each([
    ['a path in the kid', '../../../etc/passwd'],
    ['SQL in the kid', "x' OR '1'='1"],
    ['an unknown kid', 'not-a-key'],
  ])('refuses %s', async (_case, kid) => {
    const token = await providerToken({ ...rsa, kid }, clock() / 1000);
    expect(await reason(token)).toEqual([401, 'TOKEN_INVALID']);
  });

  it('refuses ES256 signatures whose r or s is zero ("psychic signatures")', async () => {
    const token = await providerToken(ec, clock() / 1000);
    const [header, payload] = token.split('.');
    for (const forged of [Buffer.alloc(64), Buffer.concat([Buffer.alloc(32), Buffer.alloc(32, 1)])]) {
      expect(await reason(`${header}.${payload}.${forged.toString('base64url')}`)).toEqual([
        401,
        'TOKEN_INVALID',
      ]);
    }
  });

  it('picks up a rotated key on an unknown kid, at most once per cool-down', async () => {
    const next = await providerKey('rsa-2', 'RS256');
    provider.respond(jwks(next, ec));
    clock.advance(31); // the unknown kids above used up this cool-down
    const before = provider.requests();
    expect((await me(await providerToken(next, clock() / 1000))).status).toBe(200);
    expect(provider.requests()).toBe(before + 1);
    // The old key left the JWKS: its tokens stop working.
    expect(await reason(await providerToken(rsa, clock() / 1000))).toEqual([401, 'TOKEN_INVALID']);
    // Unknown kids within the cool-down cause no further fetches.
    for (const kid of ['a', 'b', 'c']) await me(await providerToken({ ...next, kid }, clock() / 1000));
    expect(provider.requests()).toBe(before + 1);
  });

  it('keeps serving with the last good keys while the provider is down, then recovers', async () => {
    const next = await providerKey('rsa-3', 'RS256');
    provider.respond(jwks(next, ec));
    clock.advance(31);
    expect((await me(await providerToken(next, clock() / 1000))).status).toBe(200);

    for (const outage of [
      () => ({
        status: 503,
        body: '<html><body>Service Unavailable</body></html>',
        headers: { 'content-type': 'text/html' },
      }),
      () => ({ body: 'this is not json' }),
      () => ({ body: '{"keys": "nope"}' }),
      () => ({ body: '{"keys":[]}', delayMs: 3000 }),
    ]) {
      provider.respond(outage);
      clock.advance(3600); // past the cache ceiling: every request now wants a refetch
      const started = performance.now();
      const response = await me(await providerToken(next, clock() / 1000));
      expect(response.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(2500);
    }
    expect(server.logs.join('\n')).toContain('JWKS fetch failed; keeping the last good keys');
    provider.respond(jwks(next, ec));
  });

  it('does not let the verified-token cache outlive a key the provider dropped', async () => {
    const kept = await providerKey('rsa-kept', 'RS256');
    provider.respond(jwks(kept, ec));
    clock.advance(3600);
    const token = await providerToken(kept, clock() / 1000);
    expect((await me(token)).status).toBe(200);
    expect((await me(token)).status).toBe(200); // now answered from the cache
    provider.respond(jwks(ec)); // the provider rotates the key out
    clock.advance(602); // past the JWKS max-age, still inside the token's lifetime and tolerance
    expect(await reason(token)).toEqual([401, 'TOKEN_INVALID']);
  });

  it('skips RSA keys shorter than 2048 bits', async () => {
    // jose refuses to sign with such a key, so this token is signed with node:crypto directly.
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    provider.respond(() => ({
      body: JSON.stringify({
        keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'rsa-weak', alg: 'RS256' }],
      }),
    }));
    clock.advance(3600);
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${encode({ alg: 'RS256', kid: 'rsa-weak' })}.${encode({ iss: ISSUER, aud: AUDIENCE, sub: 'w', nickname: 'W', exp: clock() / 1000 + 600 })}`;
    const token = `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
    expect(await reason(token)).toEqual([401, 'TOKEN_INVALID']);
    expect(server.logs.join('\n')).toContain('RSA keys must have at least 2048 bits');
  });
});

describe('an issuer whose JWKS never answered', () => {
  it('refuses its tokens quickly and stays up for everything else', async () => {
    const key = await providerKey('k', 'RS256');
    const silent = await startJwksServer(() => ({ body: '{}', delayMs: 10_000 }));
    const server = await startTestServer({
      env: {
        JWKS_TIMEOUT: '1s',
        TRUSTED_ISSUERS: JSON.stringify([
          { issuer: ISSUER, audience: AUDIENCE, algorithms: ['RS256'], jwksUri: silent.url },
        ]),
      },
    });
    try {
      const started = performance.now();
      const refused = await execute(
        server.app,
        MeDocument,
        {},
        { token: await providerToken(key, Date.now() / 1000) },
      );
      expect(refused.status).toBe(401);
      expect(performance.now() - started).toBeLessThan(2500);
      const own = server.tokens.issue({ subject: '1', username: 'Local', scopes: [] }).token;
      expect((await execute(server.app, MeDocument, {}, { token: own })).status).toBe(200);
    } finally {
      await server.close();
      await silent.close();
    }
  });
});

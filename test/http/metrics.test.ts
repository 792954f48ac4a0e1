import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import {
  LoginDocument,
  MeDocument,
  RefreshTokenDocument,
  UsersDocument,
} from '../../clients/typescript/src/index';
import { manualClock } from '../fixtures/clock';
import { ENGINES } from '../helpers/databases';
import { freshEnv, type ServerProcess, startServerProcess } from '../helpers/process';
import { startJwksServer, type JwksServer } from '../helpers/jwks-server';
import { execute, startTestServer, startTestServerOn, type TestServer } from '../helpers/server';

jest.setTimeout(30_000);

const METRICS_TOKEN = 'metrics-token-0123456789abcdefghijklmnop';
const PASSWORD = 'correct horse battery';
const IDP = 'https://idp.example/';

/** The samples of a Prometheus text exposition, by `name{labels}` exactly as written. */
function samples(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

describe.each(ENGINES)('Prometheus metrics [%s]', (engine, database, available) => {
  const clock = manualClock(Math.floor(Date.now() / 1000));
  let server: TestServer;
  let idp: JwksServer;
  let idpToken: string;
  let session: { accessToken: string; refreshToken: string };

  const scrape = async (authorization = `Bearer ${METRICS_TOKEN}`) =>
    server.app.inject({ method: 'GET', url: '/metrics', headers: { authorization } });
  const read = async () => samples((await scrape()).body);
  const login = (username: string, password: string) =>
    execute(server.app, LoginDocument, { username, password }, { ip: '203.0.113.9' });

  beforeAll(async () => {
    if (!available) return;
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' };
    idp = await startJwksServer(() => ({ body: JSON.stringify({ keys: [jwk] }) }));
    const now = Math.floor(clock() / 1000);
    idpToken = await new SignJWT({ username: 'ext' })
      .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
      .setIssuer(IDP)
      .setAudience('graphql-jwt-api')
      .setSubject('ext|1')
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(privateKey);
    server = await startTestServerOn(database, {
      clock,
      env: {
        METRICS_TOKEN,
        METRICS_OPERATION_NAMES: 'NightlyReport,Probe3',
        METRICS_CLIENTS: 'web,ios-app@4.2.0,ios-app@4.3.0,@acme/console@1.0',
        LOGIN_MAX_FAILURES_PER_USERNAME_AND_IP: '2',
        TRUSTED_ISSUERS: JSON.stringify([
          { issuer: IDP, audience: 'graphql-jwt-api', algorithms: ['ES256'], jwksUri: idp.url },
        ]),
      },
    });
    await server.services.users.createUser({ username: 'jane', password: PASSWORD, scopes: [] }, {});
    session = (await login('jane', PASSWORD)).body.data!.login!;
  });
  afterAll(async () => {
    if (!available) return;
    await server.close();
    await idp.close();
  });

  (available ? it : it.skip)('answers only a caller presenting METRICS_TOKEN', async () => {
    for (const authorization of ['', 'Bearer wrong', `Basic ${METRICS_TOKEN}`, `Bearer ${METRICS_TOKEN}x`]) {
      const refused = await scrape(authorization);
      expect([refused.statusCode, refused.body]).toEqual([401, '']);
      expect(refused.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    }
    const response = await scrape();
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  (available ? it : it.skip)('moves each counter with what it counts', async () => {
    const before = await read();
    const delta = (after: Map<string, number>, series: string) =>
      (after.get(series) ?? 0) - (before.get(series) ?? 0);

    // A fresh token: a miss (first seen), a miss (seen again: now remembered), then hits.
    const fresh = (await login('jane', PASSWORD)).body.data!.login!.accessToken;
    expect((await execute(server.app, MeDocument, {}, { token: fresh })).status).toBe(200);
    expect((await execute(server.app, MeDocument, {}, { token: fresh })).status).toBe(200);
    expect((await execute(server.app, MeDocument, {}, { token: `${fresh}gh67j` })).status).toBe(401);
    expect((await execute(server.app, MeDocument, {}, { authorization: 'Basic x' })).status).toBe(401);
    expect((await execute(server.app, UsersDocument, {}, { token: fresh })).status).toBe(403);
    expect((await login('jane', 'a wrong guess')).status).toBe(200);
    expect((await login('jane', 'a wrong guess')).status).toBe(200);
    expect((await login('jane', PASSWORD)).status).toBe(429);
    // Reuse: the retired refresh token presented after the grace period.
    await execute(server.app, RefreshTokenDocument, { refreshToken: session.refreshToken });
    clock.advance(30);
    const replay = await execute(server.app, RefreshTokenDocument, { refreshToken: session.refreshToken });
    expect(replay.body.errors?.[0]?.extensions?.code).toBe('REFRESH_TOKEN_REUSED');
    expect((await execute(server.app, MeDocument, {}, { token: idpToken })).status).toBe(200);

    const after = await read();
    expect({
      okMe: delta(
        after,
        'graphql_request_duration_seconds_count{operation="Me",client_name="none",client_version="none",outcome="ok"}',
      ),
      deniedUsers: delta(
        after,
        'graphql_request_duration_seconds_count{operation="Users",client_name="none",client_version="none",outcome="error"}',
      ),
      misses: delta(after, 'token_cache_lookups_total{result="miss"}'),
      hits: delta(after, 'token_cache_lookups_total{result="hit"}'),
      invalid: delta(after, 'auth_failures_total{reason="TOKEN_INVALID"}'),
      scheme: delta(after, 'auth_failures_total{reason="AUTH_SCHEME_UNSUPPORTED"}'),
      denied: delta(after, 'authorization_denials_total{field="Query.users"}'),
      succeeded: delta(after, 'logins_total{outcome="succeeded"}'),
      failed: delta(after, 'logins_total{outcome="failed"}'),
      throttled: delta(after, 'logins_total{outcome="throttled"}'),
      reused: delta(after, 'refresh_token_reuse_detections_total'),
      jwks: delta(after, `jwks_fetches_total{issuer="${IDP}",outcome="ok"}`),
    }).toEqual({
      okMe: 3,
      deniedUsers: 1,
      // fresh (miss, miss, then the tampered one misses), the refused users query (hit), the IdP token.
      misses: 4,
      hits: 1,
      invalid: 1,
      scheme: 1,
      denied: 1,
      succeeded: 1,
      failed: 2,
      throttled: 1,
      reused: 1,
      jwks: 1,
    });
    expect(after.get('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    if (engine === 'postgres') {
      expect(after.get('database_pool_connections{state="total"}')).toBeGreaterThan(0);
      expect(after.has('database_pool_connections{state="waiting"}')).toBe(true);
    }
  });

  (available ? it : it.skip)(
    'gives a series only to names no client can mint (trusted documents, METRICS_OPERATION_NAMES), and carries no token or name',
    async () => {
      // 150 anonymous requests, each minting a name: none gets a series, nor pushes a real one out.
      for (let n = 1; n <= 150; n += 1) await execute(server.app, `query Attacker${n} { __typename }`);
      await execute(server.app, 'query Probe3 { __typename }');
      await execute(server.app, 'query NightlyReport { __typename }');
      // Me and Permissions are operations of the client kit's trusted-document manifest.
      await execute(server.app, MeDocument, {}, { token: session.accessToken });
      await execute(server.app, 'query Permissions { permissions { operation } }');
      const text = (await scrape()).body;
      const operations = new Set(
        [...text.matchAll(/^graphql_request_duration_seconds_count\{operation="([^"]*)"/gm)].map((m) => m[1]),
      );
      expect([...operations].filter((name) => name!.startsWith('Attacker'))).toEqual([]);
      expect(operations).toEqual(
        expect.objectContaining(new Set(['other', 'Probe3', 'NightlyReport', 'Me', 'Permissions'])),
      );
      expect(text).toMatch(
        /^graphql_request_duration_seconds_count\{operation="other",client_name="none",client_version="none",outcome="ok"\} (\d+)/m,
      );
      const other = Number(
        /^graphql_request_duration_seconds_count\{operation="other",client_name="none",client_version="none",outcome="ok"\} (\d+)/m.exec(
          text,
        )![1],
      );
      expect(other).toBeGreaterThanOrEqual(150);
      for (const secret of [session.accessToken, session.refreshToken, idpToken, 'jane', 'ext|1', PASSWORD]) {
        expect(text).not.toContain(secret);
      }
    },
  );

  (available ? it : it.skip)(
    'labels requests by the client headers Apollo SDKs send, with series only for listed names and versions',
    async () => {
      const asClient = (name?: string, version?: string) =>
        execute(
          server.app,
          MeDocument,
          {},
          {
            // The IdP's token: the session's was revoked by the reuse detected above.
            token: idpToken,
            headers: {
              ...(name !== undefined && { 'apollographql-client-name': name }),
              ...(version !== undefined && { 'apollographql-client-version': version }),
            },
          },
        );
      const before = await read();
      await asClient('ios-app', '4.2.0');
      await asClient('ios-app', '4.2.0');
      await asClient('ios-app', '4.3.0');
      await asClient('ios-app', '9.9.9-forged');
      expect((await asClient('ios-app', '9.9.9-forged')).status).toBe(200);
      await asClient('ios-app');
      await asClient('web', '2026.12.1');
      await asClient('@acme/console', '1.0');
      // 60 callers minting a name or a version each: counted, but under `other`.
      for (let n = 1; n <= 30; n += 1) await asClient(`minted-${n}`, `${n}.0`);
      for (let n = 1; n <= 30; n += 1) await asClient('ios-app', `4.${n}.${n}`);
      await asClient(undefined, '1.0');
      const text = (await scrape()).body;
      const after = samples(text);
      const count = (name: string, version: string) =>
        (after.get(
          `graphql_request_duration_seconds_count{operation="Me",client_name="${name}",client_version="${version}",outcome="ok"}`,
        ) ?? 0) -
        (before.get(
          `graphql_request_duration_seconds_count{operation="Me",client_name="${name}",client_version="${version}",outcome="ok"}`,
        ) ?? 0);
      expect({
        ios42: count('ios-app', '4.2.0'),
        ios43: count('ios-app', '4.3.0'),
        iosOther: count('ios-app', 'other'),
        iosNone: count('ios-app', 'none'),
        webOther: count('web', 'other'),
        console: count('@acme/console', '1.0'),
        other: count('other', 'other'),
      }).toEqual({ ios42: 2, ios43: 1, iosOther: 32, iosNone: 1, webOther: 1, console: 1, other: 31 });
      const labels = new Set(
        [...text.matchAll(/client_name="([^"]*)",client_version="([^"]*)"/g)].map((m) => `${m[1]}@${m[2]}`),
      );
      expect([...labels].sort()).toEqual([
        '@acme/console@1.0',
        'ios-app@4.2.0',
        'ios-app@4.3.0',
        'ios-app@none',
        'ios-app@other',
        'none@none',
        'other@other',
        'web@other',
      ]);
    },
  );
});

describe('metrics configuration', () => {
  it('keeps nothing and serves nothing by default', async () => {
    const server = await startTestServer();
    try {
      expect(server.metrics).toBeUndefined();
      const response = await server.app.inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(404);
    } finally {
      await server.close();
    }
  });

  describe('METRICS_PORT, as a process', () => {
    let process: ServerProcess;
    beforeAll(async () => {
      process = await startServerProcess(freshEnv({ METRICS_PORT: '0', METRICS_OPERATION_NAMES: 'Hello' }));
    });
    afterAll(() => {
      process.child.kill('SIGKILL');
    });

    it('serves them on their own listener, not on the API port', async () => {
      const metricsUrl = /metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(process.output())![1]!;
      await fetch(`${process.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'query Hello { __typename }' }),
      });
      const scraped = await fetch(metricsUrl);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toMatch(
        /^graphql_request_duration_seconds_count\{operation="Hello",client_name="none",client_version="none",outcome="ok"\} 1$/m,
      );
      expect((await fetch(`${process.url}/metrics`)).status).toBe(404);
      expect((await fetch(metricsUrl.replace('/metrics', '/graphql'))).status).toBe(404);
    });
  });

  it.each([
    [{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN: must be at least 32 characters/],
    [{ METRICS_PORT: 'nine' }, /METRICS_PORT/],
    [{ METRICS_CLIENTS: 'web,ios app' }, /METRICS_CLIENTS/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://collector' }, /OTEL_EXPORTER_OTLP_ENDPOINT/],
    // The SDK would fall back to sampling every request; a mistyped sampler stops the start instead.
    [{ OTEL_TRACES_SAMPLER: 'parentbased_traceidration' }, /OTEL_TRACES_SAMPLER/],
    [{ OTEL_TRACES_SAMPLER_ARG: '1.5' }, /OTEL_TRACES_SAMPLER_ARG/],
    [{ OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '0' }, /OTEL_BSP_MAX_EXPORT_BATCH_SIZE/],
    [{ PUBLIC_URL: 'not a url' }, /PUBLIC_URL/],
  ])('refuses %j at startup', async (env, problem) => {
    await expect(startTestServer({ env })).rejects.toThrow(problem);
  });
});

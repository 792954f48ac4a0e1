import { sql } from 'kysely';
import { LoginDocument, MeDocument, RefreshTokenDocument } from '../../clients/typescript/src/index';
import { ENGINES } from '../helpers/databases';
import { execute, startTestServer, type TestServer } from '../helpers/server';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy';

jest.setTimeout(60_000);

const PASSWORD = 'correct horse battery';
const [, postgres, available] = ENGINES.find(([name]) => name === 'postgres')!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/*
 * PostgreSQL goes away under load and comes back: every connection the server holds is reset and new ones
 * are refused for a few seconds (a proxy between the server and the database is cut), while requests keep
 * coming. Nothing is restarted.
 */
(available ? describe : describe.skip)('a database outage under load [postgres]', () => {
  let proxy: TcpProxy;
  let server: TestServer;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const created = await postgres.create();
    drop = created.drop;
    const url = new URL(created.url);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    // The database is taken away on purpose: its outage is logged at level 50, an operator's alert.
    server = await startTestServer({
      allowErrorLogs: true,
      env: {
        DATABASE_URL: url.toString(),
        DB_QUERY_TIMEOUT: '2s',
        LOGIN_MAX_ATTEMPTS_PER_IP: '1000000',
        METRICS_TOKEN: 'metrics-token-0123456789abcdefghijklmnop',
      },
    });
    await server.services.users.createUser({ username: 'ada', password: PASSWORD, scopes: [] }, {});
  });
  afterAll(async () => {
    await server.close();
    await proxy.close();
    await drop();
  });

  const login = () => execute(server.app, LoginDocument, { username: 'ada', password: PASSWORD });
  const ready = async () => (await server.app.inject({ method: 'GET', url: '/readyz' })).statusCode;

  it('answers 503 with Retry-After while it is away, keeps serving me, and recovers by itself', async () => {
    const session = (await login()).body.data!.login!;
    const { accessToken } = session;
    let refreshToken = session.refreshToken;
    const statuses: number[] = [];
    let loading = true;
    // Load through the whole test: logins and refreshes need the database, me does not.
    const load = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (loading) {
          const response = await login();
          statuses.push(response.status);
          if (response.status === 503) expect(response.headers['retry-after']).toBe('5');
        }
      }),
    );

    proxy.cut();
    await sleep(300);
    const during = await login();
    expect([during.status, during.body.errors?.[0]?.extensions?.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    expect(during.raw).not.toMatch(/ECONNRESET|terminat|connect|select/i);
    expect((await execute(server.app, MeDocument, {}, { token: accessToken })).status).toBe(200);
    expect(await ready()).toBe(503);
    const refreshDuring = await execute(server.app, RefreshTokenDocument, { refreshToken });
    expect(refreshDuring.status).toBe(503);
    await sleep(2000);

    proxy.restore();
    const restored = Date.now();
    let recovered = false;
    while (!recovered && Date.now() - restored < 10_000) {
      recovered = (await ready()) === 200 && (await login()).status === 200;
      if (!recovered) await sleep(200);
    }
    expect(recovered).toBe(true);
    loading = false;
    await load;
    expect(statuses).toContain(503);
    expect(statuses.at(-1)).toBe(200);
    // Every 503 was a request that found the database away; lost idle connections count too.
    const errors = /^database_errors_total (\d+)$/m.exec((await server.metrics!.scrape()).body);
    expect(Number(errors![1])).toBeGreaterThanOrEqual(statuses.filter((status) => status === 503).length + 1);

    // The refresh that failed during the outage spent nothing: the token still rotates, once.
    const after = await execute(server.app, RefreshTokenDocument, { refreshToken });
    expect(after.status).toBe(200);
    refreshToken = after.body.data!.refreshToken!.refreshToken;
    // No half-written rotation: every replaced token names a successor that exists.
    const orphans = await sql<{ count: string }>`
      select count(*) as count from refresh_tokens r
      where r.replaced_by is not null and not exists (select 1 from refresh_tokens s where s.id = r.replaced_by)
    `.execute(server.services.database.db);
    expect(Number(orphans.rows[0]!.count)).toBe(0);
    expect(refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

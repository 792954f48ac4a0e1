import { createClient } from 'graphql-ws';
import { Client } from 'pg';
import WebSocket from 'ws';
import { listenerApplicationName } from '../../src/db/notification-listener';
import { TEST_ENV } from '../fixtures/keys';
import { POSTGRES_AVAILABLE, TEST_POSTGRES_URL, type TestDatabase, ENGINES } from '../helpers/databases';
import { freshEnv, runCli, type ServerProcess, startServerProcess } from '../helpers/process';
import { runningSubscriptions, until } from '../helpers/websocket';

const PASSWORD = 'correct horse battery';
const METRICS_TOKEN = 'metrics-token-0123456789abcdefghijklmnop';

/**
 * Waits until the server at `url` runs exactly `count` subscriptions: its gauge counts one once its stream
 * can hear events, and an earlier test's, disposed, have ended by then. No event is caused before its
 * subscriber listens.
 */
async function subscriptionsStarted(url: string, count: number): Promise<void> {
  const running = async () => {
    const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    return runningSubscriptions(await response.text());
  };
  await until(async () => (await running()) === count, 5000);
  expect(await running()).toBe(count);
}
const POLL_INTERVAL_MS = 1000;
const postgres: TestDatabase = ENGINES.find(([name]) => name === 'postgres')![1];

async function graphql(url: string, query: string, variables: object = {}, token?: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as {
    data?: Record<string, Record<string, string>>;
    errors?: Array<{ extensions?: Record<string, string> }>;
  };
}

const LOGIN =
  'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken refreshToken } }';
const ME = '{ me { username } }';

/** Milliseconds until `url` refuses `token` with TOKEN_REVOKED, polling every 20 ms; fails after `limitMs`. */
async function untilRefused(url: string, token: string, limitMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const answer = await graphql(url, ME, {}, token);
    if (answer.errors?.[0]?.extensions?.reason === 'TOKEN_REVOKED') return Date.now() - started;
    if (answer.errors) throw new Error(`unexpected answer ${JSON.stringify(answer.errors)}`);
    if (Date.now() - started > limitMs) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// Two server processes (the built server, node dist/index.js) on one PostgreSQL schema: what one instance
// revokes, the other refuses within a second; with its listening connection killed, within the poll
// interval; and after a restart, still.
(POSTGRES_AVAILABLE ? describe : describe.skip)('revocation across instances [postgres]', () => {
  let schema: { url: string; drop: () => Promise<void> };
  let where: ReturnType<typeof freshEnv>;
  let a: ServerProcess;
  let b: ServerProcess;
  let adminToken: string;

  const login = async (url: string, username: string, password = PASSWORD) =>
    (await graphql(url, LOGIN, { u: username, p: password })).data!.login as unknown as {
      accessToken: string;
      refreshToken: string;
    };
  const createUser = async (username: string, scopes: string[] = []) =>
    (
      await graphql(
        a.url,
        'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }',
        { i: { username, password: PASSWORD, scopes } },
        adminToken,
      )
    ).data!.createUser!.id!;

  beforeAll(async () => {
    schema = await postgres.create();
    where = freshEnv({
      ...TEST_ENV,
      NODE_ENV: 'development',
      DATABASE_URL: schema.url,
      REVOCATION_POLL_INTERVAL: String(POLL_INTERVAL_MS / 1000),
      REFRESH_REUSE_GRACE: '0',
      METRICS_TOKEN,
    });
    a = await startServerProcess(where);
    b = await startServerProcess(where);
    const password = /password: (\S+)/.exec(a.output())![1]!;
    adminToken = (await login(a.url, 'admin', password)).accessToken;
  }, 30_000);
  afterAll(async () => {
    for (const server of [a, b]) server?.child.kill('SIGTERM');
    await Promise.all([a?.exited, b?.exited]);
    await schema?.drop();
  });

  it.each([
    ['logout', 'logout'],
    ['revokeAllSessions', 'revokeAllSessions'],
    ['changePassword', 'changePassword'],
    ['disableUser', 'disableUser'],
    ['setUserScopes (a scope removed)', 'setUserScopes'],
    ['refresh-token reuse', 'reuse'],
  ])('%s on A: the token is refused on B within a second', async (_name, operation) => {
    const username = `user-${operation}`;
    const id = await createUser(username, ['admin']);
    const session = await login(a.url, username);
    expect((await graphql(b.url, ME, {}, session.accessToken)).data?.me?.username).toBe(username);
    const { accessToken: token, refreshToken } = session;
    if (operation === 'logout') {
      await graphql(a.url, 'mutation($r: String!) { logout(refreshToken: $r) }', { r: refreshToken }, token);
    } else if (operation === 'revokeAllSessions') {
      await graphql(a.url, 'mutation { revokeAllSessions }', {}, token);
    } else if (operation === 'changePassword') {
      const changed = await graphql(
        a.url,
        'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { accessToken } }',
        { c: PASSWORD, n: 'a brand new passphrase' },
        token,
      );
      expect((await graphql(b.url, ME, {}, changed.data!.changePassword!.accessToken)).data?.me).toBeTruthy();
    } else if (operation === 'disableUser') {
      await graphql(a.url, 'mutation($id: ID!) { disableUser(userId: $id) { id } }', { id }, adminToken);
    } else if (operation === 'setUserScopes') {
      await graphql(
        a.url,
        'mutation($id: ID!) { setUserScopes(userId: $id, scopes: []) { id } }',
        { id },
        adminToken,
      );
    } else {
      await graphql(a.url, 'mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken } }', {
        r: refreshToken,
      });
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const reused = await graphql(
        a.url,
        'mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken } }',
        {
          r: refreshToken,
        },
      );
      expect(reused.errors?.[0]?.extensions?.code).toBe('REFRESH_TOKEN_REUSED');
    }
    expect(await untilRefused(b.url, token, 1000)).toBeLessThanOrEqual(1000);
  });

  it("a disabled admin's minted token is refused on both instances", async () => {
    const id = await createUser('minter', ['admin']);
    const session = await login(b.url, 'minter');
    const minted = await graphql(
      b.url,
      'mutation { issueToken(input: { subject: "batch-job", username: "batch", scopes: [] }) { accessToken } }',
      {},
      session.accessToken,
    );
    const token = minted.data!.issueToken!.accessToken!;
    await graphql(a.url, 'mutation($id: ID!) { disableUser(userId: $id) { id } }', { id }, adminToken);
    expect(await untilRefused(a.url, token, 1000)).toBeLessThanOrEqual(1000);
    expect(await untilRefused(b.url, token, 1000)).toBeLessThanOrEqual(1000);
  });

  it("with B's listening connection killed, B still refuses within the poll interval, and says so", async () => {
    await createUser('cut-off');
    const session = await login(a.url, 'cut-off');
    const admin = new Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    const killed = await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
      [listenerApplicationName(b.child.pid)],
    );
    await admin.end();
    expect(killed.rowCount).toBe(1);
    await graphql(a.url, 'mutation { revokeAllSessions }', {}, session.accessToken);
    expect(await untilRefused(b.url, session.accessToken, POLL_INTERVAL_MS + 500)).toBeLessThanOrEqual(
      POLL_INTERVAL_MS + 500,
    );
    expect(b.output()).toContain('listening connection lost; polling the tables until it is back');
  });

  it('a restarted B refuses what was revoked before it started', async () => {
    await createUser('restart');
    const session = await login(a.url, 'restart');
    await graphql(a.url, 'mutation { revokeAllSessions }', {}, session.accessToken);
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    b = await startServerProcess(where);
    const answer = await graphql(b.url, ME, {}, session.accessToken);
    expect(answer.errors?.[0]?.extensions?.reason).toBe('TOKEN_REVOKED');
    const ready = (await (await fetch(`${b.url}/readyz`)).json()) as { revocations: string };
    expect(ready.revocations).toBe('listening');
  });

  it("closes a socket on B within a second of logout on A, and streams A's audit events to B's admin", async () => {
    await createUser('socket-user');
    const session = await login(a.url, 'socket-user');
    const wsUrl = (url: string) => `${url.replace('http', 'ws')}/graphql`;
    let closed: (event: { code: number; reason: string }) => void = () => undefined;
    const closing = new Promise<{ code: number; reason: string }>((resolve) => (closed = resolve));
    const viewer = createClient({
      url: wsUrl(b.url),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      // The close is what the tests look at; the client's default would print it to the console too.
      onNonLazyError: () => undefined,
      connectionParams: { Authorization: `Bearer ${session.accessToken}` },
      on: {
        closed: (event) => {
          const { code, reason } = event as { code: number; reason: string };
          closed({ code, reason: String(reason) });
        },
      },
    });
    const admin = createClient({
      url: wsUrl(b.url),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { Authorization: `Bearer ${adminToken}` },
    });
    const tail: string[] = [];
    viewer.subscribe(
      { query: 'subscription { viewerEvents { type } }' },
      { next: () => {}, error: () => {}, complete: () => {} },
    );
    admin.subscribe(
      { query: 'subscription { auditEvents(filter: { type: "session.ended" }) { type username } }' },
      { next: (result) => tail.push(JSON.stringify(result.data)), error: () => {}, complete: () => {} },
    );
    await subscriptionsStarted(b.url, 2);
    const started = Date.now();
    await graphql(
      a.url,
      'mutation($r: String!) { logout(refreshToken: $r) }',
      { r: session.refreshToken },
      session.accessToken,
    );
    expect(await closing).toEqual({ code: 4401, reason: 'TOKEN_REVOKED' });
    expect(Date.now() - started).toBeLessThan(1000);
    const deadline = Date.now() + 1000;
    while (tail.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(tail).toEqual([JSON.stringify({ auditEvents: { type: 'session.ended', username: null } })]);
    void viewer.dispose();
    void admin.dispose();
  });

  it("revokeSession on A: that session's token is refused on B within a second, its socket on B closes, its refresh token fails at once", async () => {
    await createUser('two-devices');
    const laptop = await login(a.url, 'two-devices');
    const phone = await login(a.url, 'two-devices');
    let closed: (event: { code: number; reason: string }) => void = () => undefined;
    const closing = new Promise<{ code: number; reason: string }>((resolve) => (closed = resolve));
    let connected: () => void = () => undefined;
    const open = new Promise<void>((resolve) => (connected = resolve));
    const socket = createClient({
      url: `${b.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined,
      connectionParams: { Authorization: `Bearer ${phone.accessToken}` },
      on: {
        connected: () => connected(),
        closed: (event) => {
          const { code, reason } = event as { code: number; reason: string };
          closed({ code, reason: String(reason) });
        },
      },
    });
    await open;
    const listed = (await graphql(a.url, '{ me { sessions { id current } } }', {}, laptop.accessToken)).data!
      .me as unknown as { sessions: Array<{ id: string; current: boolean }> };
    const other = listed.sessions.find((session) => !session.current)!.id;
    const started = Date.now();
    const ended = await graphql(
      a.url,
      'mutation($id: ID!) { revokeSession(id: $id) }',
      { id: other },
      laptop.accessToken,
    );
    expect(ended.data).toEqual({ revokeSession: true });
    const refresh = await graphql(
      b.url,
      'mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken } }',
      {
        r: phone.refreshToken,
      },
    );
    expect(refresh.errors?.[0]?.extensions?.code).toBe('REFRESH_TOKEN_INVALID');
    expect(await untilRefused(b.url, phone.accessToken, 1000)).toBeLessThanOrEqual(1000);
    expect(await closing).toEqual({ code: 4401, reason: 'TOKEN_REVOKED' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await graphql(b.url, ME, {}, laptop.accessToken)).data?.me?.username).toBe('two-devices');
    void socket.dispose();
  });

  it("streams A's events to B's subscribers through polling while B's listener is down", async () => {
    const admin = createClient({
      url: `${b.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { Authorization: `Bearer ${adminToken}` },
    });
    const tail: string[] = [];
    admin.subscribe(
      { query: 'subscription { auditEvents(filter: { type: "login.failed" }) { username } }' },
      { next: (result) => tail.push(JSON.stringify(result.data)), error: () => {}, complete: () => {} },
    );
    await subscriptionsStarted(b.url, 1);
    const pg = new Client({ connectionString: TEST_POSTGRES_URL });
    await pg.connect();
    await pg.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [
      listenerApplicationName(b.child.pid),
    ]);
    await pg.end();
    await graphql(a.url, LOGIN, { u: 'while-polling', p: 'not the password at all' });
    const deadline = Date.now() + POLL_INTERVAL_MS + 1500;
    while (tail.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(tail).toEqual([JSON.stringify({ auditEvents: { username: 'while-polling' } })]);
    void admin.dispose();
  });

  it('lists the revocations in the audit trail from the operator CLI, which exits when done', () => {
    const listed = runCli('audit', ['--since', '1h', '--type', 'access.revoked'], where);
    expect(listed.status).toBe(0);
    const kinds = listed.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { details: { kind: string } }).details.kind);
    expect(new Set(kinds)).toEqual(new Set(['session', 'user', 'minter']));
  });
});

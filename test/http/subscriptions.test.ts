import { type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { LoginDocument, LogoutDocument, SetUserScopesDocument } from '../../clients/typescript/src/index';
import { describeEngines } from '../helpers/databases';
import { execute, startTestServer, startTestServerOn, type TestServer } from '../helpers/server';
import { connect, runningSubscriptions, subscribe, until } from '../helpers/websocket';

const PASSWORD = 'correct horse battery';
const VIEWER = 'subscription { viewerEvents { type sessionId } }';
const AUDIT = 'subscription($f: AuditEventFilter) { auditEvents(filter: $f) { type username } }';

describeEngines('subscriptions over WebSocket', (database) => {
  let server: TestServer;
  let url: string;
  let root: string;
  let sequence = 0;
  const clients: Client[] = [];

  const login = async (username: string) =>
    (await execute(server.app, LoginDocument, { username, password: PASSWORD })).body.data!.login!;
  const newUser = async (scopes: string[] = []) => {
    const username = `sub${(sequence += 1)}`;
    const user = await server.services.users.createUser({ username, password: PASSWORD, scopes }, {});
    return { user, session: await login(username) };
  };
  const open = (token?: string, params?: Record<string, unknown>) => {
    const connection = connect(url, token, params);
    clients.push(connection.client);
    return connection;
  };

  /** Waits until the server runs `count` subscriptions (the test's own: afterEach waits for none). */
  const started = async (count = 1) => {
    await until(async () => (await running()) >= count);
    expect(await running()).toBe(count);
  };

  beforeAll(async () => {
    server = await startTestServerOn(database, {
      env: {
        WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '2',
        WS_MAX_SOCKETS_PER_USER: '3',
        WS_CONNECTION_INIT_TIMEOUT: '1',
        // Read by `started`: the subscriptions gauge says when a subscription can hear events.
        METRICS_TOKEN: 'metrics-token-0123456789abcdefghijklmnop',
      },
    });
    const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
    url = `${address.replace('http', 'ws')}/graphql`;
    await server.services.users.createUser(
      { username: 'root', password: PASSWORD, scopes: ['admin', 'extra'] },
      {},
    );
    root = (await login('root')).accessToken;
  });
  const running = async () => runningSubscriptions((await server.metrics!.scrape()).body);
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.dispose();
    // Each test counts from none running: the server ends a disposed client's subscriptions on its own time.
    await until(async () => (await running()) === 0);
  });
  afterAll(() => server.close());

  it('streams your account events: a scope granted elsewhere arrives as user.scopes_set', async () => {
    const { user, session } = await newUser();
    const { client } = open(session.accessToken);
    const viewer = subscribe(client, VIEWER);
    await started();
    await execute(server.app, SetUserScopesDocument, { userId: user.id, scopes: ['extra'] }, { token: root });
    await until(() => viewer.data.length > 0);
    expect(viewer.data).toEqual([{ viewerEvents: { type: 'user.scopes_set', sessionId: null } }]);
  });

  it('refuses viewerEvents to an anonymous socket with UNAUTHENTICATED, and auditEvents without admin with FORBIDDEN', async () => {
    const anonymous = subscribe(open().client, VIEWER);
    await anonymous.done;
    expect(anonymous.refused()).toMatchObject([
      { extensions: { code: 'UNAUTHENTICATED', reason: 'AUTHENTICATION_REQUIRED' } },
    ]);
    const { session } = await newUser();
    const plain = subscribe(open(session.accessToken).client, AUDIT);
    await plain.done;
    expect(plain.refused()).toMatchObject([
      {
        extensions: {
          code: 'FORBIDDEN',
          reason: 'SCOPE_MISSING',
          requiredScopes: ['audit:read'],
          missingScopes: ['audit:read'],
        },
      },
    ]);
  });

  it('tails the audit trail for an admin, with the filter applied', async () => {
    const tail = subscribe(open(root).client, AUDIT, { f: { type: 'login.failed' } });
    await started();
    await newUser();
    await execute(server.app, LoginDocument, { username: 'nobody-here', password: 'wrong password here' });
    await until(() => tail.data.length > 0);
    expect(tail.data).toEqual([{ auditEvents: { type: 'login.failed', username: 'nobody-here' } }]);
  });

  it.each([
    ['a malformed token', { Authorization: 'Bearer not.a.token' }, 'TOKEN_INVALID'],
    ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }, 'AUTH_SCHEME_UNSUPPORTED'],
    ['a non-string header', { Authorization: 42 }, 'CREDENTIALS_MALFORMED'],
  ])(
    'closes a socket presenting %s with 4401 and the reason, never the token',
    async (_case, params, reason) => {
      const { closed } = open(undefined, params);
      expect(await closed).toEqual({ code: 4401, reason });
    },
  );

  it('closes a socket with 4401 TOKEN_REVOKED when its session is ended elsewhere', async () => {
    const { session } = await newUser();
    const { client, closed } = open(session.accessToken);
    subscribe(client, VIEWER);
    await started();
    const loggedOutAt = Date.now();
    await execute(
      server.app,
      LogoutDocument,
      { refreshToken: session.refreshToken },
      { token: session.accessToken },
    );
    expect(await closed).toEqual({ code: 4401, reason: 'TOKEN_REVOKED' });
    expect(Date.now() - loggedOutAt).toBeLessThan(1000);
  });

  it('closes a socket with 4401 TOKEN_EXPIRED within a second of its token expiring', async () => {
    const { user } = await newUser();
    const shortLived = server.tokens.issue({
      subject: user.id,
      username: user.username,
      scopes: [],
      ttlSeconds: 1,
    });
    const { client, closed } = open(shortLived.token);
    subscribe(client, VIEWER);
    expect(await closed).toEqual({ code: 4401, reason: 'TOKEN_EXPIRED' });
    expect(Date.now() - shortLived.expiresAt.getTime()).toBeLessThan(1000);
  });

  it('refuses a document that does not parse or validate, with a clear code and no stack', async () => {
    const { session } = await newUser();
    const { client } = open(session.accessToken);
    const broken = subscribe(client, 'subscription { viewerEvents {');
    await broken.done;
    expect(broken.refused()).toMatchObject([{ extensions: { code: 'BAD_REQUEST' } }]);
    const unknown = subscribe(client, 'subscription { nothingHere }');
    await unknown.done;
    expect(unknown.refused()).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT' } }]);
    expect(JSON.stringify([broken.refused(), unknown.refused()])).not.toContain('    at ');
  });

  it('refuses queries and mutations over WebSocket: they belong to HTTP', async () => {
    const { session } = await newUser();
    const query = subscribe(open(session.accessToken).client, '{ me { username } }');
    await query.done;
    expect(query.refused()).toMatchObject([{ extensions: { code: 'BAD_REQUEST' } }]);
  });

  it('applies the abuse limits to subscription documents', async () => {
    const aliased = Array.from({ length: 20 }, (_, index) => `a${index}: type`).join(' ');
    const wide = subscribe(open(root).client, `subscription { viewerEvents { type ${aliased} } }`);
    await wide.done;
    expect(wide.refused()).toMatchObject([
      { extensions: { code: 'QUERY_LIMIT_EXCEEDED', limit: 'aliases' } },
    ]);
  });

  it('limits subscriptions per socket and sockets per user', async () => {
    const { session } = await newUser();
    const { client } = open(session.accessToken);
    subscribe(client, VIEWER);
    subscribe(client, VIEWER);
    const third = subscribe(client, VIEWER);
    await third.done;
    expect(third.refused()).toMatchObject([
      { extensions: { code: 'QUERY_LIMIT_EXCEEDED', limit: 'subscriptions' } },
    ]);

    open(session.accessToken);
    open(session.accessToken);
    const fourth = open(session.accessToken);
    subscribe(fourth.client, VIEWER);
    expect(await fourth.closed).toEqual({ code: 4429, reason: 'TOO_MANY_SOCKETS_FOR_USER' });
  });

  it('closes a socket that never sends connection_init (4408) and one sending a message too large (1009)', async () => {
    const silent = new WebSocket(url, 'graphql-transport-ws');
    const silentClosed = new Promise<number>((resolve) => silent.on('close', (code) => resolve(code)));
    expect(await silentClosed).toBe(4408);

    const big = new WebSocket(url, 'graphql-transport-ws');
    await new Promise((resolve) => big.on('open', resolve));
    const bigClosed = new Promise<number>((resolve) => big.on('close', (code) => resolve(code)));
    big.send(JSON.stringify({ type: 'connection_init', payload: { padding: 'x'.repeat(70_000) } }));
    expect(await bigClosed).toBe(1009);
    // The client's mistake: logged at info, without a stack, never as the server's fault.
    const logged = server.logs.filter((line) => line.includes('protocol error'));
    expect(logged.map((line) => (JSON.parse(line) as { level: number }).level)).toEqual([30]);
    expect(logged.join('')).not.toContain('    at ');
  });

  it('refuses the legacy subscriptions-transport-ws protocol with 4406', async () => {
    const legacy = new WebSocket(url, 'graphql-ws');
    const code = await new Promise<number>((resolve) =>
      legacy.on('close', (closeCode) => resolve(closeCode)),
    );
    expect(code).toBe(4406);
  });

  it('lists the subscription fields in the permissions query', async () => {
    const answer = await execute(server.app, '{ permissions { operation type anyOfScopes account } }');
    const listed = (answer.body.data as { permissions: Array<{ operation: string; type: string }> })
      .permissions;
    expect(listed.filter((entry) => entry.type === 'SUBSCRIPTION')).toEqual([
      {
        operation: 'auditEvents',
        type: 'SUBSCRIPTION',
        anyOfScopes: [['admin'], ['audit:read']],
        account: 'LIVE',
      },
      { operation: 'viewerEvents', type: 'SUBSCRIPTION', anyOfScopes: [[]], account: 'ANY' },
    ]);
  });
});

// Transport limits and shutdown, each on a server of its own (SQLite: nothing here touches the database's engine).
describe('subscription sockets under pressure and at shutdown', () => {
  const start = async (env: Record<string, string> = {}) => {
    const server = await startTestServer({
      env: { METRICS_TOKEN: 'metrics-token-0123456789abcdefghijklmnop', ...env },
    });
    const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
    await server.services.users.createUser({ username: 'root', password: PASSWORD, scopes: ['admin'] }, {});
    const token = (await execute(server.app, LoginDocument, { username: 'root', password: PASSWORD })).body
      .data!.login!.accessToken;
    return { server, url: `${address.replace('http', 'ws')}/graphql`, token };
  };

  /** A raw protocol client: init, then one subscription. */
  async function rawSubscriber(url: string, token: string, query: string) {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.on('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${token}` } }));
    await new Promise((resolve) => socket.once('message', resolve));
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
    return { socket, closed };
  }

  it('closes a slow consumer (1013) instead of buffering its events without end', async () => {
    const { server, url, token } = await start({ WS_MAX_BUFFERED_BYTES: '1024' });
    try {
      const { socket, closed } = await rawSubscriber(url, token, AUDIT);
      await until(async () => runningSubscriptions((await server.metrics!.scrape()).body) === 1);
      // The client stops reading; the events keep coming (straight to the live listeners, as commits do).
      (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
      const event = {
        id: '',
        at: Date.now(),
        type: 'login.failed' as const,
        username: 'x'.repeat(100),
        ip: undefined,
        userAgent: undefined,
        details: {},
      };
      for (let batch = 0; batch < 40; batch += 1) {
        server.services.audit.deliver(
          Array.from({ length: 500 }, (_, index) => ({ ...event, id: `${batch}-${index}` })),
        );
        await new Promise((resolve) => setImmediate(resolve));
      }
      (socket as unknown as { _socket: { resume(): void } })._socket.resume();
      expect(await closed).toBe(1013);
    } finally {
      await server.close();
    }
  });

  it('refuses a socket past WS_MAX_SOCKETS_PER_ADDRESS with HTTP 429', async () => {
    const { server, url } = await start({ WS_MAX_SOCKETS_PER_ADDRESS: '2' });
    try {
      const open = () => new WebSocket(url, 'graphql-transport-ws');
      const first = [open(), open()];
      await Promise.all(first.map((socket) => new Promise((resolve) => socket.on('open', resolve))));
      const third = open();
      const status = await new Promise<number>((resolve) =>
        third.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)),
      );
      expect(status).toBe(429);
      for (const socket of first) socket.close();
    } finally {
      await server.close();
    }
  });

  it('closes every socket with 1001 when the server closes', async () => {
    const { server, url, token } = await start();
    const { closed } = await rawSubscriber(url, token, VIEWER);
    await server.close();
    expect(await closed).toBe(1001);
  });
});

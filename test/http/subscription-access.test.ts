import { describeEngines } from '../helpers/databases';
import { foreignIssuer } from '../helpers/foreign-issuer';
import { execute, startTestServerOn, type TestServer } from '../helpers/server';
import { connect, subscribe, until } from '../helpers/websocket';

const PASSWORD = 'subscription access 0123';
const METRICS_TOKEN = 'gate-metrics-token-0123456789abcdefghijkl';

/** Ways of reaching `auditEvents` that a check of plain root fields alone would miss. */
const DISGUISED = {
  'an inline fragment': 'subscription { ... on Subscription { auditEvents { type username } } }',
  'a named fragment':
    'subscription { ...Tail } fragment Tail on Subscription { auditEvents { type username } }',
  'nested fragments': `subscription { ... on Subscription { ...Outer } }
    fragment Outer on Subscription { ...Inner }
    fragment Inner on Subscription { ... { tail: auditEvents(filter: { type: "login.failed" }) { username ip } } }`,
  'an include directive': 'subscription { ... @include(if: true) { auditEvents { type } } }',
  'an alias': 'subscription { watch: auditEvents { type } }',
};

describeEngines('the subscription gate: what HTTP refuses, WebSocket refuses', (database) => {
  const foreign = foreignIssuer();
  let server: TestServer;
  let url: string;
  let sequence = 0;
  const sockets: Array<ReturnType<typeof connect>> = [];

  const open = (token?: string) => {
    const socket = connect(url, token);
    sockets.push(socket);
    return socket;
  };
  const gauge = async (name: string) => {
    const response = await server.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    return Number(
      response.body
        .split('\n')
        .find((line) => line.startsWith(`${name} `))
        ?.split(' ')[1],
    );
  };
  /** Subscribes, and waits until the subscription is refused or runs (the server's gauge says so). */
  const attempt = async (token: string | undefined, query: string) => {
    const before = await gauge('graphql_subscriptions');
    const subscription = subscribe(open(token).client, query);
    await until(async () => subscription.ended() || (await gauge('graphql_subscriptions')) > before, 5000);
    return subscription;
  };
  const account = async (scopes: string[]) => {
    const username = `gate${(sequence += 1)}`;
    const user = await server.services.users.createUser({ username, password: PASSWORD, scopes }, {});
    const login = await execute(
      server.app,
      'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }',
      { u: username, p: PASSWORD },
    );
    return { user, token: (login.body.data as { login: { accessToken: string } }).login.accessToken };
  };
  /** The same field over HTTP: its refusal's extensions, to compare with the socket's. */
  const overHttp = async (token: string | undefined) =>
    (await execute(server.app, '{ auditEvents(first: 1) { nodes { type } } }', {}, token ? { token } : {}))
      .body.errors?.[0]?.extensions;

  beforeAll(async () => {
    server = await startTestServerOn(database, { env: { ...foreign.env, METRICS_TOKEN } });
    const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
    url = `${address.replace('http', 'ws')}/graphql`;
  });
  afterEach(async () => {
    for (const { client } of sockets.splice(0)) await client.dispose();
  });
  afterAll(() => server.close());

  describe.each(Object.entries(DISGUISED))('auditEvents reached through %s', (_how, query) => {
    it('is refused to an anonymous socket before it starts, as HTTP refuses it: no event, no oracle', async () => {
      const subscription = await attempt(undefined, query);
      expect(subscription.ended()).toBe(true);
      expect(subscription.refused()).toMatchObject([{ extensions: await overHttp(undefined) }]);
      expect(subscription.refused()).toMatchObject([
        { extensions: { code: 'UNAUTHENTICATED', reason: 'AUTHENTICATION_REQUIRED' } },
      ]);
      // A failed login is exactly what the oracle would have announced: nothing arrives.
      await execute(
        server.app,
        'mutation { login(username: "gate-nobody", password: "wrong password") { accessToken } }',
      );
      expect(subscription.data).toEqual([]);
    });

    it('is refused to a token without audit:read with the same code, reason and missing scopes as HTTP', async () => {
      const { token } = await account(['users:read']);
      const subscription = await attempt(token, query);
      expect(subscription.refused()).toEqual([
        expect.objectContaining({
          extensions: {
            code: 'FORBIDDEN',
            reason: 'SCOPE_MISSING',
            requiredScopes: ['audit:read'],
            missingScopes: ['audit:read'],
          },
        }),
      ]);
      expect(subscription.refused()).toMatchObject([{ extensions: await overHttp(token) }]);
    });

    it('runs for an account holding audit:read', async () => {
      const { token } = await account(['audit:read']);
      const subscription = await attempt(token, query);
      expect(subscription.ended()).toBe(false);
    });
  });

  it('answers a document graphql-js cannot validate without its variables as a client mistake, not an internal error', async () => {
    const subscription = await attempt(
      undefined,
      'subscription($on: Boolean = true) { ... @include(if: $on) { auditEvents { type } } }',
    );
    expect(subscription.refused()).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT' } }]);
    expect(server.logs.join('\n')).not.toContain('"level":50');
  });

  it('refuses a field nested under a fragment on the event type as well as at the root (no field escapes)', async () => {
    const subscription = await attempt(
      undefined,
      'subscription { viewerEvents { ... on ViewerEvent { type } } }',
    );
    expect(subscription.refused()).toMatchObject([{ extensions: { code: 'UNAUTHENTICATED' } }]);
  });

  it('refuses a service token minted with admin (no account behind it): ACCOUNT_INACTIVE, as over HTTP', async () => {
    const admin = await account(['admin']);
    const minted = await execute(
      server.app,
      'mutation { issueToken(input: { subject: "reporting-service", username: "reporting", scopes: ["admin"] }) { accessToken } }',
      {},
      { token: admin.token },
    );
    const service = (minted.body.data as { issueToken: { accessToken: string } }).issueToken.accessToken;
    expect(await overHttp(service)).toMatchObject({ code: 'FORBIDDEN', reason: 'ACCOUNT_INACTIVE' });
    const subscription = await attempt(
      service,
      'subscription { auditEvents { type username ip userAgent } }',
    );
    expect(subscription.refused()).toMatchObject([{ extensions: await overHttp(service) }]);
  });

  it("refuses another issuer's admin token: LOCAL_ACCOUNT_REQUIRED, as over HTTP", async () => {
    const outsider = await foreign.token('auth0|mallory', ['admin']);
    expect(await overHttp(outsider)).toEqual({ code: 'LOCAL_ACCOUNT_REQUIRED' });
    const subscription = await attempt(outsider, 'subscription { auditEvents { type } }');
    expect(subscription.refused()).toMatchObject([{ extensions: { code: 'LOCAL_ACCOUNT_REQUIRED' } }]);
  });

  it('reads the account at subscribe time: one disabled or demoted in the database is refused before any revocation arrives', async () => {
    const disabled = await account(['admin']);
    const demoted = await account(['admin']);
    const { db } = server.services.database;
    await db
      .updateTable('users')
      .set({ disabled_at: Date.now() })
      .where('id', '=', disabled.user.id)
      .execute();
    await db.updateTable('users').set({ scopes: 'users:read' }).where('id', '=', demoted.user.id).execute();
    const one = await attempt(disabled.token, 'subscription { auditEvents { type } }');
    expect(one.refused()).toMatchObject([{ extensions: { code: 'FORBIDDEN', reason: 'ACCOUNT_INACTIVE' } }]);
    const two = await attempt(demoted.token, 'subscription { auditEvents { type } }');
    expect(two.refused()).toMatchObject([
      { extensions: { code: 'FORBIDDEN', reason: 'ACCOUNT_SCOPE_MISSING', missingScopes: ['audit:read'] } },
    ]);
    expect(await overHttp(demoted.token)).toMatchObject({ reason: 'ACCOUNT_SCOPE_MISSING' });
  });

  it.each([
    ['disabled', 'mutation($id: ID!) { disableUser(userId: $id) { id } }', {}],
    [
      'demoted',
      'mutation($id: ID!, $s: [String!]!) { setUserScopes(userId: $id, scopes: $s) { id } }',
      { s: ['users:read'] },
    ],
  ])(
    'closes the open socket of an admin %s through the API (4401 TOKEN_REVOKED), and delivers nothing after',
    async (_what, mutation, extra) => {
      const root = await account(['admin']);
      const victim = await account(['admin']);
      const socket = open(victim.token);
      const tail = subscribe(socket.client, 'subscription { auditEvents { type userId } }');
      await until(async () => (await gauge('graphql_subscriptions')) > 0, 5000);
      await execute(server.app, mutation, { id: victim.user.id, ...extra }, { token: root.token });
      expect(await socket.closed).toEqual({ code: 4401, reason: 'TOKEN_REVOKED' });
      const delivered = tail.data.length;
      await execute(
        server.app,
        'mutation { login(username: "gate-nobody", password: "wrong password") { accessToken } }',
      );
      expect(tail.data.length).toBe(delivered);
      // A new socket with the old token is refused at connection_init; the demoted admin's new token, at subscribe.
      expect(await open(victim.token).closed).toEqual({ code: 4401, reason: 'TOKEN_REVOKED' });
    },
  );
});

import { describeEngines } from '../helpers/databases';
import { execute, startTestServerOn, type TestServer } from '../helpers/server';
import { connect, subscribe, until } from '../helpers/websocket';

const PASSWORD = 'authorization 0123';
const METRICS_TOKEN = 'authorization-metrics-0123456789abcdefghij';
const CREATE =
  'mutation($u: String!, $s: [String!]!) { createUser(input: { username: $u, password: "a fine long passphrase", scopes: $s }) { id scopes } }';
const DISABLE = 'mutation($id: ID!) { disableUser(userId: $id) { disabled } }';
const SET_SCOPES = 'mutation($id: ID!, $s: [String!]!) { setUserScopes(userId: $id, scopes: $s) { scopes } }';
const MINT =
  'mutation($sub: String!, $name: String!, $s: [String!]!) { issueToken(input: { subject: $sub, username: $name, scopes: $s }) { scopes } }';
const USER = 'query($id: ID!) { user(id: $id) { id username scopes } }';

describeEngines('the scope hierarchy and owner rules over HTTP', (database) => {
  let server: TestServer;
  let sequence = 0;

  const account = async (scopes: string[]) => {
    const username = `authz${(sequence += 1)}`;
    const user = await server.services.users.createUser({ username, password: PASSWORD, scopes }, {});
    const token = server.tokens.issue({ subject: user.id, username, scopes }).token;
    return { id: user.id, username, token };
  };
  const refusal = (response: Awaited<ReturnType<typeof execute>>) => [
    response.status,
    response.body.errors?.[0]?.extensions?.code,
    response.body.errors?.[0]?.extensions?.reason,
  ];

  beforeAll(async () => {
    server = await startTestServerOn(database, {
      env: { SCOPE_HIERARCHY: '{"auditor":["audit:read"]}', METRICS_TOKEN },
    });
  });
  afterAll(() => server.close());

  it('lets admin grant the scopes it implies, though its token carries only "admin"', async () => {
    const admin = await account(['admin']);
    const created = await execute(
      server.app,
      CREATE,
      { u: `new${sequence}`, s: ['audit:read', 'users:read'] },
      { token: admin.token },
    );
    expect(created.body.data).toEqual({
      createUser: { id: expect.any(String), scopes: ['audit:read', 'users:read'] },
    });
    const reader = await account([]);
    const set = await execute(
      server.app,
      SET_SCOPES,
      { id: reader.id, s: ['users:read'] },
      { token: admin.token },
    );
    expect(set.body.data).toEqual({ setUserScopes: { scopes: ['users:read'] } });
  });

  it('bounds a users:write account by what it holds: no scope it lacks, no user more powerful', async () => {
    const clerk = await account(['users:write']);
    expect(
      (await execute(server.app, CREATE, { u: `plain${sequence}`, s: [] }, { token: clerk.token })).body
        .errors,
    ).toBeUndefined();
    expect(
      (
        await execute(
          server.app,
          CREATE,
          { u: `peer${sequence}`, s: ['users:write'] },
          { token: clerk.token },
        )
      ).body.errors,
    ).toBeUndefined();
    expect(
      refusal(
        await execute(server.app, CREATE, { u: `boss${sequence}`, s: ['admin'] }, { token: clerk.token }),
      ),
    ).toEqual([403, 'FORBIDDEN', 'CANNOT_GRANT']);
    const admin = await account(['admin']);
    expect(refusal(await execute(server.app, DISABLE, { id: admin.id }, { token: clerk.token }))).toEqual([
      403,
      'FORBIDDEN',
      'CANNOT_GRANT',
    ]);
    const plain = await account([]);
    expect((await execute(server.app, DISABLE, { id: plain.id }, { token: clerk.token })).body.data).toEqual({
      disableUser: { disabled: true },
    });
    // It cannot read the accounts it administers: users:write does not imply users:read.
    expect(
      refusal(await execute(server.app, '{ users { nodes { id } } }', {}, { token: clerk.token })),
    ).toEqual([403, 'FORBIDDEN', 'SCOPE_MISSING']);
  });

  it('gives a user subject of issueToken what its account holds, expanded, and nothing else', async () => {
    const minter = await account(['admin']);
    const subject = await account(['admin']);
    const plain = await account(['users:read']);
    const minted = await execute(
      server.app,
      MINT,
      { sub: subject.id, name: subject.username, s: ['audit:read'] },
      { token: minter.token },
    );
    expect(minted.body.data).toEqual({ issueToken: { scopes: ['audit:read'] } });
    const refused = await execute(
      server.app,
      MINT,
      { sub: plain.id, name: plain.username, s: ['audit:read'] },
      { token: minter.token },
    );
    expect(refusal(refused)).toEqual([403, 'FORBIDDEN', 'CANNOT_GRANT']);
  });

  it("lets an operator's own scope (SCOPE_HIERARCHY) in, on both transports, and publishes it", async () => {
    const auditor = await account(['auditor']);
    const page = await execute(
      server.app,
      '{ me { scopes } auditEvents(first: 1) { nodes { type } } }',
      {},
      { token: auditor.token },
    );
    expect(page.body.errors).toBeUndefined();
    // The token says what it carries; what it grants is decided from the expansion.
    expect((page.body.data as { me: { scopes: string[] } }).me.scopes).toEqual(['auditor']);
    const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
    const { client } = connect(`${address.replace('http', 'ws')}/graphql`, auditor.token);
    try {
      const tail = subscribe(client, 'subscription { auditEvents { type } }');
      // Running, by the server's own count, before the event it must receive happens.
      const running = async () =>
        (
          await server.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
        ).body.includes('\ngraphql_subscriptions 1');
      await until(async () => tail.ended() || (await running()), 4000);
      await execute(
        server.app,
        'mutation { login(username: "nobody-at-all", password: "wrong password") { accessToken } }',
      );
      await until(() => tail.data.length > 0 || tail.ended(), 4000);
      expect(tail.refused()).toBeUndefined();
      expect(tail.data[0]).toEqual({ auditEvents: { type: 'login.failed' } });
    } finally {
      await client.dispose();
    }
    const published = await execute(server.app, '{ permissions { operation type anyOfScopes } }');
    expect(
      (
        published.body.data as { permissions: Array<{ operation: string; anyOfScopes: string[][] }> }
      ).permissions.find((entry) => entry.operation === 'auditEvents')?.anyOfScopes,
    ).toEqual([['admin'], ['audit:read'], ['auditor']]);
  });

  it('answers user(id) with your own account; anyone else gets 403 NOT_OWNER whatever the id; users:read reads any, null for none', async () => {
    const ada = await account([]);
    const eve = await account([]);
    const reader = await account(['users:read']);
    expect((await execute(server.app, USER, { id: ada.id }, { token: ada.token })).body.data).toEqual({
      user: { id: ada.id, username: ada.username, scopes: [] },
    });
    const existing = await execute(server.app, USER, { id: ada.id }, { token: eve.token });
    const missing = await execute(
      server.app,
      USER,
      { id: '00000000-0000-4000-8000-000000000000' },
      { token: eve.token },
    );
    expect(refusal(existing)).toEqual([403, 'FORBIDDEN', 'NOT_OWNER']);
    expect(existing.body).toEqual(missing.body);
    expect(existing.raw).not.toContain(ada.username);
    expect((await execute(server.app, USER, { id: ada.id }, { token: reader.token })).body.data).toEqual({
      user: { id: ada.id, username: ada.username, scopes: [] },
    });
    expect(
      (
        await execute(
          server.app,
          USER,
          { id: '00000000-0000-4000-8000-000000000000' },
          { token: reader.token },
        )
      ).body,
    ).toEqual({ data: { user: null } });
  });
});

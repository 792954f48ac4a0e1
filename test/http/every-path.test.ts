import { describeEngines } from '../helpers/databases';
import { execute, startTestServer, startTestServerOn, type TestServer } from '../helpers/server';
import { connect, subscribe, until } from '../helpers/websocket';

/*
 * Hardening, third round: each rule the main HTTP path applies, on the other paths a client can reach
 * (WebSocket, batches, a subscription sent over HTTP), in production mode.
 */

const PASSWORD = 'every path 0123456';
const PRODUCTION = { NODE_ENV: 'production', PASSWORD_SCRYPT_LOG2N: '14', GRAPHQL_BATCH_LIMIT: '5' };

type Results = Array<{
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions: Record<string, unknown> }>;
}>;

type Operation = { query: string; variables?: Record<string, unknown> };

/** A JSON batch POSTed as it is, with a token when given: the status and each operation's result. */
async function batchOn(server: TestServer, operations: Operation[], token?: string) {
  const response = await server.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    payload: JSON.stringify(operations),
  });
  return { status: response.statusCode, results: response.json<Results>() };
}

describe('the same rules on every path, in production', () => {
  let server: TestServer;
  let url: string;
  let token: string;

  const batch = (operations: Operation[], auth?: string) => batchOn(server, operations, auth);
  const errorLines = () => server.logs.filter((line) => /"level":(50|60)/.test(line));

  beforeAll(async () => {
    server = await startTestServer({ env: PRODUCTION });
    url = `${(await server.app.listen({ host: '127.0.0.1', port: 0 })).replace('http', 'ws')}/graphql`;
    const user = await server.services.users.createUser(
      { username: 'walker', password: PASSWORD, scopes: [] },
      {},
    );
    token = server.tokens.issue({ subject: user.id, username: 'walker', scopes: [] }).token;
  });
  afterAll(() => server.close());
  afterEach(() => expect(errorLines()).toEqual([]));

  describe('1. one error formatter for both transports', () => {
    it.each([
      ['a misspelt root field', 'subscription { viewerEvent { type } }'],
      ['a misspelt field of a type', 'subscription { viewerEvents { typ } }'],
      ['a misspelt argument', 'subscription { auditEvents(filtr: {}) { type } }'],
      ['a misspelt input field', 'subscription { auditEvents(filter: { usrId: "x" }) { type } }'],
    ])(
      'gives no field suggestion over WebSocket for %s, from an anonymous socket, as HTTP gives none',
      async (_what, query) => {
        const { client } = connect(url);
        try {
          const refused = subscribe(client, query);
          await until(() => refused.ended(), 5000);
          const messages = (refused.refused() as Array<{ message: string }>).map((error) => error.message);
          expect(messages.length).toBeGreaterThan(0);
          for (const message of messages) expect(message).not.toMatch(/Did you mean/);
          const overHttp = await execute(server.app, query.replace(/^subscription/, 'query'));
          expect(JSON.stringify(overHttp.body)).not.toMatch(/Did you mean/);
        } finally {
          await client.dispose();
        }
      },
    );
  });

  describe('2. a subscription sent over HTTP', () => {
    it('is a client mistake: 400 BAD_REQUEST saying subscriptions need the WebSocket, no error-level log', async () => {
      const response = await execute(server.app, 'subscription { viewerEvents { type } }', {}, { token });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        errors: [
          {
            message:
              'Subscriptions are served over WebSocket (the graphql-transport-ws protocol) at this same path, not over HTTP.',
            extensions: { code: 'BAD_REQUEST' },
          },
        ],
      });
    });

    it('is refused in a batch too, beside an operation that runs', async () => {
      const { status, results } = await batch(
        [{ query: '{ me { id } }' }, { query: 'subscription { viewerEvents { type } }' }],
        token,
      );
      expect(status).toBe(200);
      expect(results[0]!.data).toEqual({ me: { id: expect.any(String) } });
      expect(results[1]!.errors?.[0]?.extensions.code).toBe('BAD_REQUEST');
    });
  });

  describe('batches keep each operation its own answer', () => {
    it("answers 200 with one operation's data and another's refusal, not 403 for both", async () => {
      const { status, results } = await batch(
        [{ query: '{ me { id } }' }, { query: '{ users { nodes { id } } }' }],
        token,
      );
      expect(status).toBe(200);
      expect(results[0]!.data).toEqual({ me: { id: expect.any(String) } });
      expect(results[1]!.errors?.[0]?.extensions).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'SCOPE_MISSING',
      });
    });
  });
});

describe('with introspection on (development)', () => {
  it('shows the same suggestions on both transports: the formatter, not the transport, decides', async () => {
    const server = await startTestServer({ env: { INTROSPECTION: 'true' } });
    try {
      const url = `${(await server.app.listen({ host: '127.0.0.1', port: 0 })).replace('http', 'ws')}/graphql`;
      const { client } = connect(url);
      const refused = subscribe(client, 'subscription { viewerEvent { type } }');
      await until(() => refused.ended(), 5000);
      await client.dispose();
      expect((refused.refused() as Array<{ message: string }>)[0]!.message).toMatch(
        /Did you mean "viewerEvents"\?/,
      );
      const overHttp = await execute(server.app, 'query { mee { id } }');
      expect(overHttp.body.errors?.[0]?.message).toMatch(/Did you mean "me"\?/);
    } finally {
      await server.close();
    }
  });
});

describeEngines('3. one password check per HTTP request, batches included', (database) => {
  let server: TestServer;

  const batch = (operations: Operation[]) => batchOn(server, operations);

  beforeAll(async () => {
    server = await startTestServerOn(database, { env: PRODUCTION });
    await server.services.users.createUser({ username: 'walker', password: PASSWORD, scopes: [] }, {});
  });
  afterAll(() => server.close());

  it('runs one login of a batch of five and refuses the others before they check anything', async () => {
    const before = (await server.services.auditLog.page({}, 200)).events.filter((event) =>
      event.type.startsWith('login.'),
    ).length;
    const login = {
      query: 'mutation($p: String!) { login(username: "walker", password: $p) { accessToken } }',
    };
    const { status, results } = await batch(
      ['wrong one', 'wrong two', PASSWORD, 'wrong three', 'wrong four'].map((p) => ({
        ...login,
        variables: { p },
      })),
    );
    expect(status).toBe(200);
    const refused = results.filter((result) => result.errors?.[0]?.extensions.limit === 'password_checks');
    expect(refused).toHaveLength(4);
    for (const result of refused) expect(result.errors![0]!.extensions.code).toBe('QUERY_LIMIT_EXCEEDED');
    const after = (await server.services.auditLog.page({}, 200)).events.filter((event) =>
      event.type.startsWith('login.'),
    ).length;
    expect(after - before).toBe(1);
  });

  it('still refuses two logins in one document (the validation rule), and lets one per request through', async () => {
    const twice = await execute(
      server.app,
      'mutation { a: login(username: "walker", password: "x") { accessToken } b: login(username: "walker", password: "y") { accessToken } }',
    );
    expect([twice.status, twice.body.errors?.[0]?.extensions?.limit]).toEqual([400, 'password_checks']);
    const once = await execute(
      server.app,
      'mutation($p: String!) { login(username: "walker", password: $p) { accessToken } }',
      { p: PASSWORD },
    );
    expect(once.body.errors).toBeUndefined();
  });
});

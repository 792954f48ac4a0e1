import { describeEngines } from '../helpers/databases';
import { execute, startTestServerOn, type TestServer } from '../helpers/server';
import { connect, subscribe, until } from '../helpers/websocket';

const NUL = 'ad\u0000min';
const LONE_HIGH = 'ad\ud800min';
const LONE_LOW = '\udc00admin';

/** Fields of every kind whose text arguments reach a query, each with a variable to poison. */
const FIELDS: ReadonlyArray<
  [field: string, query: string, variables: (text: string) => Record<string, unknown>]
> = [
  [
    'login',
    'mutation($u: String!) { login(username: $u, password: "whatever it is") { accessToken } }',
    (u) => ({ u }),
  ],
  ['user', 'query($id: ID!) { user(id: $id) { id } }', (id) => ({ id })],
  [
    'auditEvents',
    'query($f: AuditEventFilter) { auditEvents(filter: $f) { nodes { id } } }',
    (userId) => ({ f: { userId } }),
  ],
  [
    'createUser',
    'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }',
    (username) => ({ i: { username, password: 'a long enough password' } }),
  ],
  [
    'setUserScopes',
    'mutation($s: [String!]!) { setUserScopes(userId: "x", scopes: $s) { id } }',
    (scope) => ({ s: ['users:read', scope] }),
  ],
  ['revokeToken', 'mutation($t: ID!) { revokeToken(tokenId: $t) }', (t) => ({ t })],
  [
    'refreshToken',
    'mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken } }',
    (r) => ({ r }),
  ],
];

describeEngines('text the database cannot store, refused at the boundary', (database) => {
  let server: TestServer;
  let admin: string;

  beforeAll(async () => {
    server = await startTestServerOn(database, { env: { GRAPHQL_BATCH_LIMIT: '5' } });
    const account = await server.services.users.createUser(
      { username: 'keeper', password: 'storable text 0123', scopes: ['admin'] },
      {},
    );
    admin = server.tokens.issue({ subject: account.id, username: 'keeper', scopes: ['admin'] }).token;
  });
  afterAll(() => server.close());

  describe.each(FIELDS)('%s', (_field, query, variables) => {
    it.each([
      ['NUL', NUL],
      ['a lone high surrogate', LONE_HIGH],
      ['a lone low surrogate', LONE_LOW],
    ])(
      'answers 400 BAD_USER_INPUT for %s in a variable, naming where, before anything runs',
      async (_what, text) => {
        const before = server.logs.length;
        const response = await execute(server.app, query, variables(text), { token: admin });
        expect(response.status).toBe(400);
        expect(response.body.data).toBeUndefined();
        expect(response.body.errors).toEqual([
          {
            message: 'Text may not contain NUL characters or unpaired UTF-16 surrogates.',
            extensions: {
              code: 'BAD_USER_INPUT',
              field: expect.stringMatching(/^\$/),
              rule: 'unstorable_text',
            },
          },
        ]);
        // Nothing reached the database: no SQL error, no outage logged.
        expect(server.logs.slice(before).join('\n')).not.toMatch(/SERVICE_UNAVAILABLE|"level":(40|50)/);
      },
    );
  });

  it('names the variable and the path inside it', async () => {
    const response = await execute(server.app, FIELDS[2]![1], FIELDS[2]![2](NUL), { token: admin });
    expect(response.body.errors?.[0]?.extensions?.field).toBe('$f.userId');
  });

  it('refuses a NUL written in the document itself, as a validation error', async () => {
    const response = await execute(server.app, '{ user(id: "ad\\u0000min") { id } }', {}, { token: admin });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', rule: 'unstorable_text' },
    });
  });

  it('lets well-formed text through, surrogate pairs included', async () => {
    const response = await execute(server.app, FIELDS[1]![1], { id: 'emoji-😀-id' }, { token: admin });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: { user: null } });
  });

  it('refuses it in every operation of a batch, and over GET', async () => {
    const batch = await server.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      payload: JSON.stringify([
        { query: '{ me { id } }' },
        { query: FIELDS[1]![1], variables: FIELDS[1]![2](NUL) },
      ]),
    });
    const results = batch.json<Array<{ data?: unknown; errors?: Array<{ extensions: { code: string } }> }>>();
    expect(results[0]!.errors).toBeUndefined();
    expect(results[1]!.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    const get = await server.app.inject({
      method: 'GET',
      url: `/graphql?query=${encodeURIComponent(FIELDS[1]![1])}&variables=${encodeURIComponent(JSON.stringify({ id: LONE_HIGH }))}`,
      headers: { authorization: `Bearer ${admin}`, 'apollo-require-preflight': 'true' },
    });
    expect(get.statusCode).toBe(400);
    expect(get.json<{ errors: Array<{ extensions: { code: string } }> }>().errors[0]!.extensions.code).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('refuses it in a subscription’s variables too', async () => {
    const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
    const { client } = connect(`${address.replace('http', 'ws')}/graphql`, admin);
    try {
      const tail = subscribe(
        client,
        'subscription($f: AuditEventFilter) { auditEvents(filter: $f) { type } }',
        {
          f: { type: NUL },
        },
      );
      await until(() => tail.ended(), 5000);
      expect(tail.refused()).toMatchObject([
        { extensions: { code: 'BAD_USER_INPUT', field: '$f.type', rule: 'unstorable_text' } },
      ]);
    } finally {
      await client.dispose();
    }
  });
});

import { createHash } from 'node:crypto';
import { describeEngines } from '../helpers/databases';
import { startTestServerOn, type TestServer } from '../helpers/server';

/*
 * Client mistakes are 4xx (or 200 with a client code) and are logged below level 50: level >= 50 means the
 * server is at fault, and operators page on it. A fuzz over request shapes and every string argument.
 */

const PASSWORD = 'correct horse battery';
const HOSTILE = ['\u0000', 'a\u0000b', '\ud800', 'x\udfffy', '\u0000\ud800'];

describeEngines('client mistakes are not server errors', (database) => {
  let server: TestServer;
  let admin = '';

  beforeAll(async () => {
    server = await startTestServerOn(database, { env: { LOGIN_MAX_ATTEMPTS_PER_IP: '100000' } });
    const root = await server.services.users.createUser(
      { username: 'root', password: PASSWORD, scopes: ['admin'] },
      {},
    );
    admin = server.tokens.issue({ subject: root.id, username: 'root', scopes: ['admin'] }).token;
  });
  afterAll(() => server.close());

  const post = (payload: unknown, token?: string) =>
    server.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
  const serverFaults = () => server.logs.filter((line) => /"level":(50|60)/.test(line));

  it('answers malformed persisted queries with 400 BAD_REQUEST or PERSISTED_QUERY_*, logged at info', async () => {
    const query = '{ permissions { operation } }';
    const sha = createHash('sha256').update(query).digest('hex');
    const cases: Array<[unknown, number, string]> = [
      [
        { query, extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } },
        400,
        'BAD_REQUEST',
      ],
      [{ query, extensions: { persistedQuery: { version: 2, sha256Hash: sha } } }, 400, 'BAD_REQUEST'],
      [{ query, extensions: { persistedQuery: { version: '1', sha256Hash: sha } } }, 400, 'BAD_REQUEST'],
      [
        { extensions: { persistedQuery: { version: 1, sha256Hash: 'b'.repeat(64) } } },
        200,
        'PERSISTED_QUERY_NOT_FOUND',
      ],
    ];
    for (const [payload, status, code] of cases) {
      const response = await post(payload);
      expect([
        response.statusCode,
        response.json<{ errors: Array<{ extensions: { code: string } }> }>().errors[0]!.extensions.code,
      ]).toEqual([status, code]);
    }
    expect(serverFaults()).toEqual([]);
  });

  it('never answers 5xx or logs a server fault for malformed bodies', async () => {
    const bodies = [
      '[]',
      '[{"query":"{ me { id } }"}]',
      '"query"',
      '{"query":7}',
      '{"query":"{ me { id } }","variables":"x"}',
      '{"query":"{","operationName":3}',
      '{',
      'null',
      '{"extensions":[]}',
    ];
    for (const body of bodies) expect((await post(body)).statusCode).toBeLessThan(500);
    expect(serverFaults()).toEqual([]);
  });

  it('never answers 5xx or logs a server fault for NUL or lone surrogates in any string argument', async () => {
    const user = await server.services.users.createUser(
      { username: 'jane', password: PASSWORD, scopes: [] },
      {},
    );
    const own = server.tokens.issue({ subject: user.id, username: 'jane', scopes: [] }).token;
    const operations: Array<[string, (value: string) => Record<string, unknown>, string | undefined]> = [
      [
        'mutation($a: String!, $b: String!) { login(username: $a, password: $b) { accessToken } }',
        (v) => ({ a: v, b: v }),
        undefined,
      ],
      [
        'mutation($a: String!, $b: String!) { login(username: $a, password: $b) { accessToken } }',
        (v) => ({ a: 'jane', b: v }),
        undefined,
      ],
      [
        'mutation($a: String!) { refreshToken(refreshToken: $a) { accessToken } }',
        (v) => ({ a: v }),
        undefined,
      ],
      ['mutation($a: String!) { logout(refreshToken: $a) }', (v) => ({ a: v }), own],
      [
        'mutation($a: String!, $b: String!) { changePassword(currentPassword: $a, newPassword: $b) { accessToken } }',
        (v) => ({ a: v, b: `${v}${PASSWORD}` }),
        own,
      ],
      ['query($a: String) { users(after: $a) { nodes { id } } }', (v) => ({ a: v }), admin],
      [
        'query($a: String) { users(after: $a) { nodes { id } } }',
        (v) => ({ a: Buffer.from(v).toString('base64url') }),
        admin,
      ],
      [
        'mutation($a: String!) { createUser(input: { username: $a, password: $a, scopes: [$a] }) { id } }',
        (v) => ({ a: v }),
        admin,
      ],
      ['mutation($a: ID!) { setUserScopes(userId: $a, scopes: []) { id } }', (v) => ({ a: v }), admin],
      ['mutation($a: ID!) { disableUser(userId: $a) { id } }', (v) => ({ a: v }), admin],
      ['mutation($a: ID!) { enableUser(userId: $a) { id } }', (v) => ({ a: v }), admin],
      [
        'mutation($a: String!) { issueToken(input: { subject: $a, username: $a, scopes: [$a] }) { accessToken } }',
        (v) => ({ a: v }),
        admin,
      ],
    ];
    for (const [query, variables, token] of operations) {
      for (const value of HOSTILE) {
        const response = await post({ query, variables: variables(value) }, token);
        expect([query, value, response.statusCode < 500]).toEqual([query, value, true]);
      }
    }
    expect(serverFaults()).toEqual([]);
  });
});

import { createHash } from 'node:crypto';
import { LoginDocument, MeDocument } from '../../clients/typescript/src/index';
import { manualClock } from '../fixtures/clock';
import { execute, startTestServer, type TestServer } from '../helpers/server';

const PASSWORD = 'correct horse battery';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function post(server: TestServer, payload: unknown, headers: Record<string, string> = {}) {
  return server.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(payload),
  });
}

describe('abuse limits', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      env: {
        GRAPHQL_MAX_DEPTH: '2',
        GRAPHQL_MAX_ALIASES: '2',
        GRAPHQL_MAX_DIRECTIVES: '2',
        GRAPHQL_MAX_TOKENS: '200',
        GRAPHQL_MAX_COST: '40',
        LOGIN_MAX_FAILURES_PER_USERNAME_AND_IP: '1',
      },
    });
    await server.services.users.createUser({ username: 'jane', password: PASSWORD, scopes: ['admin'] }, {});
  });
  afterAll(() => server.close());

  const failedLogin = (alias: string) =>
    `${alias}: login(username: "jane", password: "wrong password") { accessToken }`;

  it.each([
    [
      'depth',
      '{ users { nodes { id } pageInfo { endCursor } } permissions { operation } me { id } } ',
      'depth',
    ],
    ['aliases', `mutation { ${['a', 'b', 'c'].map(failedLogin).join(' ')} }`, 'aliases'],
    ['directives', '{ me @include(if: true) @include(if: true) @skip(if: false) { id } }', 'directives'],
    ['tokens', `{ ${'permissions { operation } '.repeat(60)} }`, 'tokens'],
  ])('refuses a query over the %s limit with 400 QUERY_LIMIT_EXCEEDED', async (_case, query, limit) => {
    const response = await post(server, { query });
    expect(response.statusCode).toBe(400);
    const body = response.json<{ errors: Array<{ message: string; extensions: Record<string, unknown> }> }>();
    expect(body.errors[0]?.extensions).toEqual({ code: 'QUERY_LIMIT_EXCEEDED', limit });
    expect(body.errors[0]?.message).not.toMatch(/Syntax Error|stack/);
  });

  it('refuses an expensive query by cost', async () => {
    const wide = `{ ${Array.from(
      { length: 12 },
      (_, i) => `p${i % 2}: permissions { operation type requiresAuthentication requiredScopes }`,
    )
      .slice(0, 2)
      .join(
        ' ',
      )} users { nodes { id username scopes disabled createdAt updatedAt } pageInfo { endCursor hasNextPage } } }`;
    const response = await post(server, { query: wide });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ errors: Array<{ extensions: unknown }> }>().errors[0]?.extensions).toEqual({
      code: 'QUERY_LIMIT_EXCEEDED',
      limit: 'cost',
    });
  });

  it('refuses before any resolver runs: the aliased logins were never attempted', async () => {
    await post(server, { query: `mutation { ${['a', 'b', 'c'].map(failedLogin).join(' ')} }` });
    // One failure would have blocked jane (limit 1); her login still works, so no login resolver ran.
    const response = await post(server, {
      query: `mutation { login(username: "jane", password: "${PASSWORD}") { tokenType } }`,
    });
    expect(response.json()).toEqual({ data: { login: { tokenType: 'Bearer' } } });
  });

  it('logs each refusal with the request id at warn', () => {
    const refusals = server.logs
      .map(
        (line) => JSON.parse(line) as { level: number; reqId?: string; graphql?: { errorCodes?: string[] } },
      )
      .filter((line) => line.graphql?.errorCodes?.includes('QUERY_LIMIT_EXCEEDED'));
    expect(refusals.length).toBeGreaterThanOrEqual(5);
    for (const line of refusals) {
      expect(line.level).toBe(40);
      expect(line.reqId).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('HTTP limits', () => {
  it('turns batching off by default', async () => {
    const server = await startTestServer();
    const response = await post(server, [{ query: '{ permissions { operation } }' }]);
    await server.close();
    expect(response.statusCode).toBe(400);
  });

  it('bounds batches when batching is on', async () => {
    const server = await startTestServer({ env: { GRAPHQL_BATCH_LIMIT: '2' } });
    const one = { query: '{ permissions { operation } }' };
    const ok = await post(server, [one, one]);
    const tooMany = await post(server, [one, one, one]);
    await server.close();
    expect(ok.statusCode).toBe(200);
    expect(ok.json<unknown[]>()).toHaveLength(2);
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json()).toEqual({
      errors: [
        { message: 'A batch may hold at most 2 operations.', extensions: { code: 'BATCH_LIMIT_EXCEEDED' } },
      ],
    });
  });

  it('refuses a body over HTTP_BODY_LIMIT with 413 before parsing it', async () => {
    const server = await startTestServer({ env: { HTTP_BODY_LIMIT: '2048' } });
    const response = await post(server, { query: `{ permissions { operation } } # ${'x'.repeat(4096)}` });
    await server.close();
    expect(response.statusCode).toBe(413);
  });

  it('cuts off slow clients: request and header timeouts are set on the server', async () => {
    const server = await startTestServer({
      env: { HTTP_REQUEST_TIMEOUT: '20s', HTTP_HEADERS_TIMEOUT: '5s' },
    });
    const { requestTimeout, headersTimeout } = server.app.server;
    await server.close();
    expect({ requestTimeout, headersTimeout }).toEqual({ requestTimeout: 20_000, headersTimeout: 5000 });
  });
});

describe('production mode', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      env: { NODE_ENV: 'production', PASSWORD_SCRYPT_LOG2N: '14', CORS_ORIGINS: 'https://app.example.com' },
    });
  });
  afterAll(() => server.close());

  it('turns off introspection and the landing page', async () => {
    const introspection = await post(server, { query: '{ __schema { queryType { name } } }' });
    expect(introspection.statusCode).toBe(400);
    const page = await server.app.inject({
      method: 'GET',
      url: '/graphql',
      headers: { accept: 'text/html' },
    });
    expect(page.body).not.toMatch(/sandbox|<html/i);
  });

  it('hides field suggestions', async () => {
    const response = await post(server, { query: '{ mee { id } }' });
    expect(response.statusCode).toBe(400);
    expect(response.body).not.toContain('Did you mean');
    expect(response.body).not.toContain('"me"');
  });

  it('hides argument and input-field suggestions, in validation and in variables alike', async () => {
    const argument = await post(server, { query: '{ users(frist: 1) { nodes { id } } }' });
    expect(argument.statusCode).toBe(400);
    expect(argument.json<{ errors: Array<{ message: string }> }>().errors[0]!.message).toBe(
      'Unknown argument "frist" on field "Query.users".',
    );
    const variables = await post(server, {
      query: 'mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }',
      variables: { input: { usernam: 'x', password: 'y' } },
    });
    expect(variables.statusCode).toBe(400);
    expect(variables.body).toContain('usernam');
    expect(variables.body).not.toMatch(/Did you mean|"username"/);
  });

  it('masks a database failure, giving the client the request id of the detailed log line', async () => {
    await server.services.database.close();
    const response = await execute(
      server.app,
      LoginDocument,
      { username: 'jane', password: PASSWORD },
      { serverFault: true },
    );
    expect(response.status).toBe(503);
    const error = response.body.errors![0]!;
    expect(error.message).toBe('The service is temporarily unavailable. Try again shortly.');
    const requestId = error.extensions?.requestId as string;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.raw).not.toMatch(/destroyed|driver|sqlite|stack/i);
    const detail = server.logs.find(
      (line) => line.includes(requestId) && line.includes('"dependency":"database"'),
    );
    expect(detail).toBeDefined();
  });

  it('allows CORS for the configured origins only', async () => {
    const preflight = (origin: string) =>
      server.app.inject({
        method: 'OPTIONS',
        url: '/graphql',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,authorization',
        },
      });
    const allowed = await preflight('https://app.example.com');
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(String(allowed.headers['access-control-allow-headers'])).toContain('authorization');
    const refused = await preflight('https://evil.example');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('browser and mobile clients', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ env: { NODE_ENV: 'development' } });
  });
  afterAll(() => server.close());

  it('serves Sandbox with the endpoint and a prefilled, scope-less development token', async () => {
    const page = await server.app.inject({
      method: 'GET',
      url: '/graphql',
      headers: { accept: 'text/html' },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('sandbox');
    const token = /Bearer ([\w-]+\.[\w-]+\.[\w-]+)/.exec(page.body)?.[1];
    expect(token).toBeDefined();
    const me = await execute(server.app, MeDocument, {}, { token: token! });
    expect(me.body.data?.me).toMatchObject({ username: 'sandbox', scopes: [] });
  });

  it('mints the Sandbox token per page load, so it never outlives a long-running dev server', async () => {
    // A short JWT_MAX_TTL and a clock moved past it: a token minted once at startup would now be expired.
    const clock = manualClock();
    const shortLived = await startTestServer({
      env: { NODE_ENV: 'development', JWT_TTL: '30s', JWT_MAX_TTL: '60s' },
      clock,
    });
    const sandboxToken = async () => {
      const page = await shortLived.app.inject({
        method: 'GET',
        url: '/graphql',
        headers: { accept: 'text/html' },
      });
      return /Bearer ([\w-]+\.[\w-]+\.[\w-]+)/.exec(page.body)![1]!;
    };
    try {
      const first = await sandboxToken();
      clock.advance(120);
      const second = await sandboxToken();
      expect(second).not.toBe(first);
      const stale = await execute(shortLived.app, MeDocument, {}, { token: first });
      expect(stale.status).toBe(401);
      expect(stale.body.errors?.[0]?.extensions).toMatchObject({ reason: 'TOKEN_EXPIRED' });
      const fresh = await execute(shortLived.app, MeDocument, {}, { token: second });
      expect(fresh.status).toBe(200);
      expect(fresh.body.data?.me).toMatchObject({ username: 'sandbox', scopes: [] });
    } finally {
      await shortLived.close();
    }
  });

  it("keeps Apollo's CSRF prevention: a plain GET is refused, one with a preflight header is served", async () => {
    const url = `/graphql?query=${encodeURIComponent('{ permissions { operation } }')}`;
    const plain = await server.app.inject({ method: 'GET', url });
    expect(plain.statusCode).toBe(400);
    const mobile = await server.app.inject({
      method: 'GET',
      url,
      headers: { 'x-apollo-operation-name': 'Permissions' },
    });
    expect(mobile.statusCode).toBe(200);
  });

  it('serves automatic persisted queries, over GET for queries only', async () => {
    const query = '{ permissions { operation } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    const unknown = await post(server, { extensions });
    expect(
      unknown.json<{ errors: Array<{ extensions: { code: string } }> }>().errors[0]?.extensions.code,
    ).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post(server, { query, extensions })).statusCode).toBe(200);
    const byHash = await server.app.inject({
      method: 'GET',
      url: `/graphql?extensions=${encodeURIComponent(JSON.stringify(extensions))}`,
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(byHash.statusCode).toBe(200);
    expect(byHash.json()).toMatchObject({ data: { permissions: expect.any(Array) } });

    const mutation = 'mutation { revokeAllSessions }';
    const mutationExtensions = { persistedQuery: { version: 1, sha256Hash: sha256(mutation) } };
    await post(server, { query: mutation, extensions: mutationExtensions });
    const getMutation = await server.app.inject({
      method: 'GET',
      url: `/graphql?extensions=${encodeURIComponent(JSON.stringify(mutationExtensions))}`,
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(getMutation.statusCode).toBe(405);
  });

  it('marks GraphQL responses Cache-Control: no-store, tokens and refusals included', async () => {
    await server.services.users.createUser({ username: 'nostore', password: PASSWORD, scopes: [] }, {});
    const login = await execute(server.app, LoginDocument, { username: 'nostore', password: PASSWORD });
    expect(login.headers['cache-control']).toBe('no-store');
    const me = await execute(server.app, MeDocument, {}, { token: login.body.data!.login!.accessToken });
    expect(me.body.data?.me.username).toBe('nostore');
    expect(me.headers['cache-control']).toBe('no-store');
    const refused = await execute(server.app, MeDocument);
    expect(refused.status).toBe(401);
    expect(refused.headers['cache-control']).toBe('no-store');
    // The log line records the status the client got, not Apollo's 200 before the status was decided.
    const line = server.logs
      .map((text) => JSON.parse(text) as { graphql?: { operationName?: string; status?: number } })
      .findLast((entry) => entry.graphql?.operationName === 'Me');
    expect(line?.graphql?.status).toBe(401);
  });

  it('writes one structured line per request with operation, caller and outcome, and no secrets', async () => {
    await server.services.users.createUser({ username: 'logme', password: PASSWORD, scopes: [] }, {});
    const session = await execute(server.app, LoginDocument, { username: 'logme', password: PASSWORD });
    const { accessToken, refreshToken } = session.body.data!.login!;
    await execute(server.app, MeDocument, {}, { token: accessToken });
    const lines = server.logs.map(
      (line) => JSON.parse(line) as { reqId?: string; msg?: string; graphql?: Record<string, unknown> },
    );
    const me = lines.findLast((line) => line.graphql?.operationName === 'Me');
    expect(me?.graphql).toMatchObject({
      outcome: 'ok',
      status: 200,
      sub: session.body.data!.login!.viewer.id,
    });
    // One line per request: fastify adds none of its own.
    expect(lines.filter((line) => line.reqId === me?.reqId).map((line) => line.msg)).toEqual([
      'graphql request',
    ]);
    expect(me?.graphql?.durationMs).toEqual(expect.any(Number));
    expect(lines.find((line) => line.graphql?.operationName === 'Login')?.graphql).toMatchObject({
      sub: null,
    });
    const all = server.logs.join('\n');
    for (const secret of [PASSWORD, accessToken, refreshToken]) expect(all).not.toContain(secret);
  });
});

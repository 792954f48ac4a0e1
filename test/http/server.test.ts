import { parseConfig } from '../../src/config';
import { createServer } from '../../src/server';
import { PermissionsDocument, MeDocument } from '../generated/graphql';
import { TEST_ENV } from '../fixtures/keys';
import { execute, startTestServer, type TestServer } from '../helpers/server';
import { testTokenService } from '../helpers/tokens';
import { ROOT_PERMISSIONS } from '../../src/permissions/permission-map';

describe('the server over HTTP', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('answers GET /healthz', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('publishes the permission map it enforces, to anyone', async () => {
    const response = await execute(server.app, PermissionsDocument);
    expect(response.status).toBe(200);
    const published = response.body.data!.permissions;
    expect(published).toEqual([
      { operation: 'me', type: 'QUERY', requiresAuthentication: true, requiredScopes: [] },
      { operation: 'permissions', type: 'QUERY', requiresAuthentication: false, requiredScopes: [] },
      { operation: 'issueToken', type: 'MUTATION', requiresAuthentication: true, requiredScopes: ['admin'] },
    ]);
    const fromMap = Object.values(ROOT_PERMISSIONS).flatMap((fields) => Object.keys(fields));
    expect(published.map((entry) => entry.operation).sort()).toEqual(fromMap.sort());
  });

  it('keeps partial data at 200 when only some fields are refused', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json' },
      payload: { query: '{ permissions { operation } viewer: me { id } }' },
    });
    // me is non-null, so its error nulls the whole data: a 401 with the challenge.
    expect(response.statusCode).toBe(401);
    expect(
      response.json<{ errors: Array<{ extensions: { code: string } }> }>().errors[0]?.extensions.code,
    ).toBe('UNAUTHENTICATED');
  });

  it('lets introspection through outside production, for Sandbox and codegen', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json' },
      payload: { query: '{ __schema { queryType { name } } __type(name: "Viewer") { fields { name } } }' },
    });
    expect(response.statusCode).toBe(200);
    expect(
      response.json<{ data: { __schema: { queryType: { name: string } } } }>().data.__schema.queryType.name,
    ).toBe('Query');
  });

  it('serves the Apollo Sandbox landing page to browsers in development', async () => {
    const env = { ...TEST_ENV, NODE_ENV: 'development' };
    const app = await createServer(parseConfig(env), {
      tokens: testTokenService({ env }),
      logStream: { write: () => {} },
    });
    const response = await app.inject({ method: 'GET', url: '/graphql', headers: { accept: 'text/html' } });
    await app.close();
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.body).toContain('sandbox');
  });

  it('turns introspection and the landing page off in production', async () => {
    const env = { ...TEST_ENV, NODE_ENV: 'production' };
    const app = await createServer(parseConfig(env), {
      tokens: testTokenService({ env }),
      logStream: { write: () => {} },
    });
    const page = await app.inject({ method: 'GET', url: '/graphql', headers: { accept: 'text/html' } });
    const introspection = await app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json' },
      payload: { query: '{ __schema { queryType { name } } }' },
    });
    await app.close();
    expect(page.body).not.toContain('sandbox');
    expect(introspection.statusCode).toBe(400);
  });

  it('never writes a token, valid or not, into its logs', async () => {
    const valid = server.tokens.issue({ subject: '4', username: 'Jane', scopes: [] }).token;
    await execute(server.app, MeDocument, {}, { token: valid });
    await execute(server.app, MeDocument, {}, { token: `${valid}gh67j` });
    await execute(server.app, MeDocument, {}, { authorization: 'Basic dXNlcjpwYXNz' });
    const logs = server.logs.join('\n');
    expect(logs).toContain('"check":"signature_encoding"');
    for (const secret of [valid.split('.')[1]!, valid.split('.')[2]!, 'dXNlcjpwYXNz'])
      expect(logs).not.toContain(secret);
    expect(logs).not.toContain('Jane');
  });
});

import { PermissionsDocument, MeDocument } from '../../clients/typescript/src/index';
import { execute, startTestServer, type TestServer } from '../helpers/server';
import { defineApi } from '../../src/modules/api-definition';
import { ROOT_TYPES } from '../../src/permissions/permission-map';

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

  it('publishes the permission map it enforces, to anyone, with the hierarchy expanded', async () => {
    const response = await execute(server.app, PermissionsDocument);
    expect(response.status).toBe(200);
    const published = response.body.data!.permissions;
    const { permissions } = defineApi();
    expect(published.map(({ type, operation }) => `${type}.${operation}`).sort()).toEqual(
      ROOT_TYPES.flatMap((type) =>
        Object.keys(permissions.fields[type]!).map((field) => `${type.toUpperCase()}.${field}`),
      ).sort(),
    );
    const entry = (operation: string, type = 'QUERY') =>
      published.find((candidate) => candidate.operation === operation && candidate.type === type);
    expect(entry('me')).toEqual({
      __typename: 'OperationPermission',
      operation: 'me',
      type: 'QUERY',
      requiresAuthentication: true,
      anyOfScopes: [[]],
      owner: null,
      account: 'ANY',
    });
    expect(entry('login', 'MUTATION')).toMatchObject({ requiresAuthentication: false, anyOfScopes: [] });
    expect(entry('issueToken', 'MUTATION')).toMatchObject({
      anyOfScopes: [['admin'], ['tokens:issue']],
      owner: null,
      account: 'LIVE',
    });
    expect(entry('user')).toMatchObject({
      anyOfScopes: [['admin'], ['users:read']],
      owner: { description: 'the account named by `id`', argument: 'id', resource: null },
      account: 'LIVE',
    });
    expect(entry('logout', 'MUTATION')).toMatchObject({ anyOfScopes: [[]], account: 'LOCAL' });
  });

  it('answers 401 when a refused non-null field nulls the whole response', async () => {
    const response = await execute<{ permissions: unknown[] }, never>(
      server.app,
      '{ permissions { operation } viewer: me { id } }',
    );
    expect(response.status).toBe(401);
    expect(response.body.data).toBeNull();
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lets introspection through outside production, for Sandbox and codegen', async () => {
    const response = await execute<{ __schema: { queryType: { name: string } } }, never>(
      server.app,
      '{ __schema { queryType { name } } __type(name: "Viewer") { fields { name } } }',
    );
    expect(response.status).toBe(200);
    expect(response.body.data?.__schema.queryType.name).toBe('Query');
  });

  it('serves the Apollo Sandbox landing page to browsers in development', async () => {
    const development = await startTestServer({ env: { NODE_ENV: 'development' } });
    const response = await development.app.inject({
      method: 'GET',
      url: '/graphql',
      headers: { accept: 'text/html' },
    });
    await development.close();
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.body).toContain('sandbox');
  });

  it('turns introspection and the landing page off in production', async () => {
    const production = await startTestServer({
      env: { NODE_ENV: 'production', PASSWORD_SCRYPT_LOG2N: '14' },
    });
    const page = await production.app.inject({
      method: 'GET',
      url: '/graphql',
      headers: { accept: 'text/html' },
    });
    const introspection = await execute(production.app, '{ __schema { queryType { name } } }');
    await production.close();
    expect(page.body).not.toContain('sandbox');
    expect(introspection.status).toBe(400);
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

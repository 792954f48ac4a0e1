import { extendSchema, graphql, type GraphQLSchema, parse } from 'graphql';
import { ANONYMOUS, type Identity } from '../../src/auth/identity';
import { loadRuntime, type Services, startServices } from '../../src/bootstrap';
import { buildWiredSchema } from '../../src/graphql/schema';
import { applyPermissions } from '../../src/permissions/rules';
import { createLogger } from '../../src/logger';
import { TEST_ENV } from '../fixtures/keys';
import { testIdentity } from '../fixtures/identity';

// The account behind the tokens: administrative fields check the caller against the database.
let adminId = '';

const user = (scopes: string[], granted = scopes): Identity =>
  testIdentity(scopes, { subject: adminId, username: 'Jane' }, granted);

describe('shield rules from the permission map', () => {
  let schema: GraphQLSchema;
  let services: Services;

  beforeAll(async () => {
    const logger = createLogger('silent');
    const runtime = loadRuntime({ ...TEST_ENV, DATABASE_URL: 'sqlite::memory:' });
    services = await startServices(runtime, logger);
    const ops = { username: 'ops', password: 'a long admin password', scopes: ['admin'] };
    adminId = (await services.users.createUser(ops, {})).id;
    const api = await buildWiredSchema({ ...services, logger }, runtime.config.authorization.scopeClosure);
    // The real schema plus one field that nobody put in the permission map.
    schema = applyPermissions(
      extendSchema(api, parse('extend type Query { secret: String }')),
      services.api.permissions,
      services.access,
    );
  });
  afterAll(() => services.close());

  const run = (source: string, identity: Identity) =>
    graphql({ schema, source, rootValue: { secret: 'nobody allowed this' }, contextValue: { identity } });

  it('denies a field the map does not name, with FORBIDDEN NOT_EXPOSED and never "Not Authorised!"', async () => {
    const result = await run('{ secret }', user(['admin']));
    expect(result.data).toEqual({ secret: null });
    expect(
      result.errors?.map((error) => [error.message, error.extensions.code, error.extensions.reason]),
    ).toEqual([['This field is not available.', 'FORBIDDEN', 'NOT_EXPOSED']]);
  });

  it('allows public fields to anonymous callers', async () => {
    const result = await run('{ permissions { operation } }', ANONYMOUS);
    expect(result.errors).toBeUndefined();
  });

  it('requires authentication, then scopes', async () => {
    const anonymous = await run('{ me { id } }', ANONYMOUS);
    expect(anonymous.errors?.[0]?.extensions).toEqual({
      code: 'UNAUTHENTICATED',
      reason: 'AUTHENTICATION_REQUIRED',
    });
    expect((await run('{ me { id greeting } }', user([]))).data).toEqual({
      me: { id: adminId, greeting: 'Hey Jane' },
    });
    const reader = await run(
      'mutation { issueToken(input: { subject: "x", username: "x" }) { accessToken } }',
      user(['read']),
    );
    expect(reader.errors?.[0]?.extensions).toEqual({
      code: 'FORBIDDEN',
      reason: 'SCOPE_MISSING',
      requiredScopes: ['tokens:issue'],
      missingScopes: ['tokens:issue'],
    });
  });

  it('reads the expanded scopes the token was verified with, never the raw claim', async () => {
    // `admin` alone in the claim, expanded at verification: the rule reads the expansion.
    const result = await run(
      '{ users(first: 1) { nodes { username } } }',
      user(['admin'], ['admin', 'users:read']),
    );
    expect(result.errors).toBeUndefined();
    const unexpanded = await run('{ users(first: 1) { nodes { username } } }', user(['admin'], ['admin']));
    expect(unexpanded.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE_MISSING' });
  });

  it('passes errors thrown by resolvers through instead of replacing them', async () => {
    const result = await run(
      'mutation { issueToken(input: { subject: "x", username: "x", scopes: ["root"] }) { accessToken } }',
      user(['admin'], ['admin', 'tokens:issue']),
    );
    expect(result.errors?.[0]?.message).toBe('You cannot grant scopes you do not hold: root.');
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'CANNOT_GRANT' });
  });
});

import { extendSchema, graphql, type GraphQLSchema, parse } from 'graphql';
import { ANONYMOUS, type Identity } from '../../src/auth/identity';
import { loadRuntime, type Services, startServices } from '../../src/bootstrap';
import { createResolvers } from '../../src/graphql/resolvers';
import { buildApiSchema } from '../../src/graphql/schema';
import { applyPermissions } from '../../src/permissions/rules';
import { createLogger } from '../../src/logger';
import { TEST_ENV } from '../fixtures/keys';

// The account behind the tokens: administrative fields check the caller against the database.
let adminId = '';

const user = (scopes: string[]): Identity => ({
  authenticated: true,
  issuer: 'graphql-jwt-api',
  local: true,
  subject: adminId,
  username: 'Jane',
  scopes,
  expiresAt: new Date(0),
  tokenId: undefined,
  actor: undefined,
  sessionId: undefined,
  issuedAt: undefined,
});

describe('shield rules from the permission map', () => {
  let schema: GraphQLSchema;
  let services: Services;

  beforeAll(async () => {
    const logger = createLogger('silent');
    const runtime = loadRuntime({ ...TEST_ENV, DATABASE_URL: 'sqlite::memory:' });
    services = await startServices(runtime, logger);
    const ops = { username: 'ops', password: 'a long admin password', scopes: ['admin'] };
    adminId = (await services.users.createUser(ops, {})).id;
    const api = await buildApiSchema(createResolvers({ ...services, logger }));
    // The real schema plus one field that nobody put in the permission map.
    schema = applyPermissions(extendSchema(api, parse('extend type Query { secret: String }')));
  });
  afterAll(() => services.close());

  const run = (source: string, identity: Identity) =>
    graphql({ schema, source, rootValue: { secret: 'nobody allowed this' }, contextValue: { identity } });

  it('denies a field the map does not name, with FORBIDDEN and never "Not Authorised!"', async () => {
    const result = await run('{ secret }', user(['admin']));
    expect(result.data).toEqual({ secret: null });
    expect(result.errors?.map((error) => [error.message, error.extensions.code])).toEqual([
      ['This field is not available.', 'FORBIDDEN'],
    ]);
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
      requiredScopes: ['admin'],
      missingScopes: ['admin'],
    });
  });

  it('passes errors thrown by resolvers through instead of replacing them', async () => {
    const result = await run(
      'mutation { issueToken(input: { subject: "x", username: "x", scopes: ["root"] }) { accessToken } }',
      user(['admin']),
    );
    expect(result.errors?.[0]?.message).toBe('You cannot grant scopes you do not hold: root.');
  });
});

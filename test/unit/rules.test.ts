import { buildSchema, graphql } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { ANONYMOUS, type Identity } from '../../src/auth/identity';
import { createPermissions } from '../../src/permissions/rules';

// A schema with every type the map names plus one field nobody allowed, to watch the shield decide.
const schema = applyMiddleware(
  buildSchema(`
    type Query { me: Viewer! permissions: [OperationPermission!]! secret: String }
    type Mutation { issueToken(input: IssueTokenInput!): IssuedToken! }
    type Viewer { id: ID! hidden: String }
    type OperationPermission { operation: String! }
    type IssuedToken { accessToken: String! }
    input IssueTokenInput { subject: String! }
  `),
  createPermissions(),
);

const user = (scopes: string[]): Identity => ({
  authenticated: true,
  subject: '4',
  username: 'Jane',
  scopes,
  expiresAt: new Date(0),
  tokenId: undefined,
});

async function run(source: string, identity: Identity, rootValue: Record<string, unknown> = {}) {
  return graphql({ schema, source, rootValue, contextValue: { identity } });
}

describe('shield rules from the permission map', () => {
  const root = {
    me: { id: '4', hidden: 'visible-once-me-is-allowed' },
    permissions: [{ operation: 'me' }],
    secret: 'nobody allowed this',
    issueToken: { accessToken: 't' },
  };

  it('denies a field the map does not name, with FORBIDDEN and never "Not Authorised!"', async () => {
    const result = await run('{ secret }', user(['admin']), root);
    expect(result.data).toEqual({ secret: null });
    expect(result.errors?.map((error) => [error.message, error.extensions.code])).toEqual([
      ['This field is not available.', 'FORBIDDEN'],
    ]);
  });

  it('allows public fields to anonymous callers', async () => {
    expect((await run('{ permissions { operation } }', ANONYMOUS, root)).data).toEqual({
      permissions: [{ operation: 'me' }],
    });
  });

  it('requires authentication, then scopes', async () => {
    const anonymous = await run('{ me { id } }', ANONYMOUS, root);
    expect(anonymous.errors?.[0]?.extensions).toEqual({
      code: 'UNAUTHENTICATED',
      reason: 'AUTHENTICATION_REQUIRED',
    });
    expect((await run('{ me { id hidden } }', user([]), root)).data).toEqual({
      me: { id: '4', hidden: 'visible-once-me-is-allowed' },
    });
    const reader = await run(
      'mutation { issueToken(input: { subject: "x" }) { accessToken } }',
      user(['read']),
      root,
    );
    expect(reader.errors?.[0]?.extensions).toEqual({
      code: 'FORBIDDEN',
      requiredScopes: ['admin'],
      missingScopes: ['admin'],
    });
  });

  it('passes errors thrown by resolvers through instead of replacing them', async () => {
    const result = await run('{ permissions { operation } }', ANONYMOUS, {
      permissions: () => {
        throw new Error('resolver failed');
      },
    });
    expect(result.errors?.[0]?.message).toBe('resolver failed');
  });
});

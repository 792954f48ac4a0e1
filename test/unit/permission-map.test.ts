import { GraphQLObjectType, isObjectType } from 'graphql';
import { buildApiSchema } from '../../src/graphql/schema';
import { defineApi } from '../../src/modules/api-definition';
import { API_PERMISSIONS, buildPermissionMap } from '../../src/permissions/permission-map';
import { authenticated, owner, ownerOnly, PUBLIC, requires } from '../../src/permissions/policy';
import { closeHierarchy } from '../../src/scopes/hierarchy';
import { BUILT_IN_HIERARCHY } from '../../src/scopes/vocabulary';

describe('the permission map', () => {
  const api = defineApi();
  let types: Map<string, GraphQLObjectType>;

  beforeAll(async () => {
    const schema = await buildApiSchema({ get: () => ({}) }, api, closeHierarchy(BUILT_IN_HIERARCHY));
    types = new Map(
      Object.values(schema.getTypeMap())
        .filter((type): type is GraphQLObjectType => isObjectType(type) && !type.name.startsWith('__'))
        .map((type) => [type.name, type]),
    );
  });

  it.each(['Query', 'Mutation', 'Subscription'] as const)(
    'names every %s field, and nothing that does not exist',
    (root) => {
      const fields = Object.keys(types.get(root)!.getFields()).sort();
      expect(Object.keys(api.permissions.fields[root]!).sort()).toEqual(fields);
    },
  );

  it('decides on every other object type on purpose: open, or every field named', () => {
    const guarded = new Set(Object.keys(api.permissions.fields));
    const others = [...types.keys()].filter((name) => !guarded.has(name)).sort();
    expect([...api.permissions.openTypes].sort()).toEqual(others);
    for (const type of guarded) {
      expect(Object.keys(api.permissions.fields[type]!).sort()).toEqual(
        Object.keys(types.get(type)!.getFields()).sort(),
      );
    }
  });

  it('guards what must be guarded, with the narrowest scope and a live account for administration', () => {
    expect(api.permissions.policyOf('Query', 'me')).toEqual(authenticated());
    expect(api.permissions.policyOf('Query', 'permissions')).toEqual(PUBLIC);
    expect(api.permissions.policyOf('Query', 'users')).toEqual(
      requires({ anyOf: [['users:read']], account: 'live' }),
    );
    expect(api.permissions.policyOf('Query', 'user')).toEqual(
      requires({ anyOf: [['users:read']], owner: owner.argument('id'), account: 'live' }),
    );
    expect(api.permissions.policyOf('Mutation', 'issueToken')).toEqual(
      requires({ anyOf: [['tokens:issue']], account: 'live' }),
    );
    expect(api.permissions.policyOf('Subscription', 'auditEvents')).toEqual(
      api.permissions.policyOf('Query', 'auditEvents'),
    );
    expect(api.permissions.policyOf('Query', 'nothing')).toBeUndefined();
    expect(api.permissions.policyOf('AuthPayload', 'accessToken')).toBeUndefined();
    // An account's sessions: its own (read from the object), or users:read.
    expect(api.permissions.policyOf('Viewer', 'sessions')).toEqual(
      ownerOnly(owner.parent('id'), { account: 'local' }),
    );
    expect(api.permissions.policyOf('Viewer', 'greeting')).toBe(PUBLIC);
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(api.permissions.fields.Query)).toBe(true);
    expect(() => {
      (api.permissions.fields.Query as Record<string, unknown>).me = PUBLIC;
    }).toThrow(TypeError);
    expect(Object.isFrozen(api.permissions.policyOf('Query', 'users'))).toBe(true);
  });

  it('refuses a field declared twice, and a type both open and guarded', () => {
    expect(() =>
      buildPermissionMap(API_PERMISSIONS, { fields: { Query: { me: PUBLIC } }, openTypes: [] }),
    ).toThrow('Query.me is declared twice');
    expect(() =>
      buildPermissionMap(API_PERMISSIONS, {
        fields: { AuthPayload: { accessToken: PUBLIC } },
        openTypes: [],
      }),
    ).toThrow('AuthPayload is both open and guarded');
  });

  it('refuses policies that say nothing', () => {
    expect(() => requires({ anyOf: [] })).toThrow();
    expect(() => requires({ anyOf: [[]] })).toThrow();
    expect(ownerOnly(owner.resource('Note', 'id')).anyOf).toEqual([]);
  });
});

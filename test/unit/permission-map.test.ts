import { GraphQLObjectType, isObjectType } from 'graphql';
import { buildApiSchema } from '../../src/graphql/schema';
import { OPEN_TYPES, ROOT_PERMISSIONS } from '../../src/permissions/permission-map';

describe('the permission map', () => {
  let types: Map<string, GraphQLObjectType>;

  beforeAll(async () => {
    const schema = await buildApiSchema({ get: () => ({}) });
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
      expect(Object.keys(ROOT_PERMISSIONS[root]).sort()).toEqual(fields);
    },
  );

  it('decides on every other object type on purpose', () => {
    const roots = new Set(Object.keys(ROOT_PERMISSIONS));
    const others = [...types.keys()].filter((name) => !roots.has(name)).sort();
    expect([...OPEN_TYPES].sort()).toEqual(others);
  });

  it('guards what must be guarded', () => {
    expect(ROOT_PERMISSIONS.Query.me).toEqual({ kind: 'authenticated', scopes: [] });
    expect(ROOT_PERMISSIONS.Query.permissions).toEqual({ kind: 'public' });
    expect(ROOT_PERMISSIONS.Mutation.issueToken).toEqual({ kind: 'authenticated', scopes: ['admin'] });
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(ROOT_PERMISSIONS.Query)).toBe(true);
    expect(() => {
      (ROOT_PERMISSIONS.Query as Record<string, unknown>).me = { kind: 'public' };
    }).toThrow(TypeError);
  });
});

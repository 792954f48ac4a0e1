import { loadRuntime, startServices } from '../../src/bootstrap';
import { createLogger } from '../../src/logger';
import { defineApi } from '../../src/modules/api-definition';
import { type ApiModule } from '../../src/modules/api-module';
import { owner, PUBLIC, requires } from '../../src/permissions/policy';
import { TEST_ENV } from '../fixtures/keys';

const aModule = (overrides: Partial<ApiModule> = {}): ApiModule => ({
  name: 'things',
  migrations: {},
  resolvers: [],
  permissions: { fields: {}, openTypes: [] },
  scopes: {},
  create: () => ({ resolvers: [] }),
  ...overrides,
});

describe('domain modules', () => {
  it('add their scopes to the vocabulary and their policies to the one map', () => {
    const api = defineApi([
      aModule({
        scopes: { 'things:read': 'read things' },
        permissions: { fields: { Query: { things: PUBLIC } }, openTypes: ['Thing'] },
      }),
    ]);
    expect(api.scopes['things:read']).toBe('read things');
    expect(api.scopes['users:read']).toBeDefined();
    expect(api.permissions.policyOf('Query', 'things')).toBe(PUBLIC);
    expect(api.permissions.policyOf('Query', 'me')).toBeDefined();
    expect(api.permissions.openTypes).toContain('Thing');
  });

  it.each([
    ['a badly named module', [aModule({ name: 'Things!' })], 'must be unique, lower case'],
    ['two modules of one name', [aModule(), aModule()], 'must be unique'],
    [
      'a migration outside its namespace',
      [aModule({ migrations: { '0003_things': { up: async () => {} } } })],
      'must be named things_<number>_<what>',
    ],
    [
      'a scope defined twice',
      [aModule({ scopes: { 'users:read': 'mine now' } })],
      'scope users:read is already defined',
    ],
    [
      'a policy for a field the API already guards',
      [aModule({ permissions: { fields: { Query: { me: PUBLIC } }, openTypes: [] } })],
      'Query.me is declared twice',
    ],
  ])('refuse %s', (_case, modules, message) => {
    expect(() => defineApi(modules)).toThrow(message);
  });

  it('stop startup when a policy names a resource no module looks up, and close the database', async () => {
    const orphan = aModule({
      permissions: {
        fields: {
          Query: { thing: requires({ anyOf: [['things:read']], owner: owner.resource('Thing', 'id') }) },
        },
        openTypes: [],
      },
    });
    const runtime = loadRuntime({ ...TEST_ENV, DATABASE_URL: 'sqlite::memory:' });
    await expect(
      startServices(runtime, createLogger('silent'), { api: defineApi([orphan]) }),
    ).rejects.toThrow('Query.thing: no module registers an owner lookup for Thing');
  });
});

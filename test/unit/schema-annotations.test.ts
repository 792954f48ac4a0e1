import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, type ObjectTypeDefinitionNode, parse, print } from 'graphql';
import { ROOT_PERMISSIONS, type RootType } from '../../src/permissions/permission-map';
import { accessSentence } from '../../src/permissions/schema-annotations';
import { startTestServer } from '../helpers/server';

const sdl = readFileSync(join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8');
const document = parse(sdl);
const roots = document.definitions.filter(
  (definition): definition is ObjectTypeDefinitionNode =>
    definition.kind === Kind.OBJECT_TYPE_DEFINITION &&
    ['Query', 'Mutation', 'Subscription'].includes(definition.name.value),
);

/** Each root field of the committed SDL with its applied directives and description, as written there. */
const written = roots.flatMap((type) =>
  (type.fields ?? []).map((field) => ({
    type: type.name.value as RootType,
    field: field.name.value,
    directives: (field.directives ?? []).map((directive) => print(directive)),
    description: field.description?.value ?? '',
  })),
);

describe('the permission map in the schema', () => {
  it('writes every root field the map names, and no other', () => {
    const mapped = Object.entries(ROOT_PERMISSIONS).flatMap(([type, fields]) =>
      Object.keys(fields).map((field) => `${type}.${field}`),
    );
    expect(written.map(({ type, field }) => `${type}.${field}`).sort()).toEqual(mapped.sort());
  });

  it('gives each field the Federation directive and the sentence its access needs', () => {
    for (const { type, field, directives, description } of written) {
      const access = ROOT_PERMISSIONS[type][field]!;
      const expected =
        access.kind === 'public'
          ? []
          : access.scopes.length === 0
            ? ['@authenticated']
            : [`@requiresScopes(scopes: [[${access.scopes.map((scope) => `"${scope}"`).join(', ')}]])`];
      expect([`${type}.${field}`, directives]).toEqual([`${type}.${field}`, expected]);
      const sentence = accessSentence(access);
      if (sentence) expect(description.endsWith(sentence)).toBe(true);
      else expect(description).not.toMatch(/Requires/);
    }
  });

  it('defines the directives it applies (Federation 2.5, imported with @link)', () => {
    const defined = document.definitions.flatMap((definition) =>
      definition.kind === Kind.DIRECTIVE_DEFINITION ? [definition.name.value] : [],
    );
    expect(defined).toEqual(expect.arrayContaining(['authenticated', 'requiresScopes', 'link']));
    expect(sdl).toMatch(
      /^extend schema @link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.5", import: \["@authenticated", "@requiresScopes"\]\)/,
    );
  });

  it('shows the sentence to every explorer through introspection', async () => {
    const server = await startTestServer();
    try {
      const response = await server.app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json' },
        payload: { query: '{ __schema { queryType { fields { name description } } } }' },
      });
      const fields = response.json<{
        data: { __schema: { queryType: { fields: Array<{ name: string; description: string | null }> } } };
      }>().data.__schema.queryType.fields;
      expect(fields.find((field) => field.name === 'users')?.description).toMatch(/Requires scope: admin\.$/);
      expect(fields.find((field) => field.name === 'me')?.description).toMatch(/Requires authentication\.$/);
      expect(fields.find((field) => field.name === 'permissions')?.description).not.toMatch(/Requires/);
    } finally {
      await server.close();
    }
  });
});

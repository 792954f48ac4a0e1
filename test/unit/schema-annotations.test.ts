import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, type ObjectTypeDefinitionNode, parse, print } from 'graphql';
import { defineApi } from '../../src/modules/api-definition';
import { directivesFor } from '../../src/permissions/schema-annotations';
import { policySentence } from '../../src/permissions/publication';
import { closeHierarchy } from '../../src/scopes/hierarchy';
import { BUILT_IN_HIERARCHY } from '../../src/scopes/vocabulary';
import { startTestServer } from '../helpers/server';

const sdl = readFileSync(join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8');
const document = parse(sdl);
const { permissions } = defineApi();
const closure = closeHierarchy(BUILT_IN_HIERARCHY);
const guardedTypes = new Set(Object.keys(permissions.fields));

/** Each field of a guarded type in the committed SDL, with its applied directives and description. */
const written = document.definitions
  .filter(
    (definition): definition is ObjectTypeDefinitionNode =>
      definition.kind === Kind.OBJECT_TYPE_DEFINITION && guardedTypes.has(definition.name.value),
  )
  .flatMap((type) =>
    (type.fields ?? []).map((field) => ({
      type: type.name.value,
      field: field.name.value,
      directives: (field.directives ?? []).map((directive) => print(directive)),
      description: field.description?.value ?? '',
    })),
  );

describe('the permission map in the schema', () => {
  it('writes every field the map names, and no other', () => {
    const mapped = Object.entries(permissions.fields).flatMap(([type, fields]) =>
      Object.keys(fields).map((field) => `${type}.${field}`),
    );
    expect(written.map(({ type, field }) => `${type}.${field}`).sort()).toEqual(mapped.sort());
  });

  it('gives each field the Federation directives and the sentence its policy needs', () => {
    for (const { type, field, directives, description } of written) {
      const policy = permissions.policyOf(type, field)!;
      expect([`${type}.${field}`, directives]).toEqual([`${type}.${field}`, directivesFor(policy, closure)]);
      const sentence = policySentence(policy, closure);
      if (sentence) expect(description.endsWith(sentence)).toBe(true);
      else expect(description).not.toMatch(/Requires/);
    }
  });

  it('publishes scopes with the hierarchy expanded, and owner and account rules as @policy', () => {
    const directivesOf = (type: string, field: string) =>
      written.find((entry) => entry.type === type && entry.field === field)!.directives;
    expect(directivesOf('Query', 'me')).toEqual(['@authenticated']);
    expect(directivesOf('Query', 'users')).toEqual([
      '@requiresScopes(scopes: [["admin"], ["users:read"]])',
      '@policy(policies: [["account:live"]])',
    ]);
    expect(directivesOf('Query', 'user')).toEqual([
      '@authenticated',
      '@policy(policies: [["owner:id", "account:live"], ["scope:admin", "account:live"], ["scope:users:read", "account:live"]])',
    ]);
    expect(directivesOf('Mutation', 'logout')).toEqual([
      '@authenticated',
      '@policy(policies: [["account:local"]])',
    ]);
    expect(directivesOf('Mutation', 'login')).toEqual([]);
  });

  it('defines the directives it applies (Federation 2.6, imported with @link)', () => {
    const defined = document.definitions.flatMap((definition) =>
      definition.kind === Kind.DIRECTIVE_DEFINITION ? [definition.name.value] : [],
    );
    expect(defined).toEqual(expect.arrayContaining(['authenticated', 'requiresScopes', 'policy', 'link']));
    expect(sdl).toMatch(
      /^extend schema @link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.6", import: \["@authenticated", "@requiresScopes", "@policy"\]\)/,
    );
  });

  it("shows the sentence to every explorer through introspection, with the operator's hierarchy", async () => {
    const server = await startTestServer({ env: { SCOPE_HIERARCHY: '{"people":["users:read"]}' } });
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
      expect(fields.find((field) => field.name === 'users')?.description).toMatch(
        /Requires scope users:read \(admin or people imply it\)\. Checked against the caller's account now: it must be active and still hold the scope\.$/,
      );
      expect(fields.find((field) => field.name === 'me')?.description).toMatch(/Requires authentication\.$/);
      expect(fields.find((field) => field.name === 'permissions')?.description).not.toMatch(/Requires/);
    } finally {
      await server.close();
    }
  });
});

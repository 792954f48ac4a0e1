import { type GraphQLSchema, isObjectType, Kind, parse } from 'graphql';
import { type Access, ROOT_PERMISSIONS, type RootType } from './permission-map';

/*
 * The permission map, written into the schema so that clients see it before they are refused: a sentence in
 * each protected field's description (every explorer and Apollo Kotlin/iOS show it), and in the committed
 * SDL Apollo Federation's @authenticated / @requiresScopes, so that Apollo Router could enforce the same
 * rules in front of this API. The map stays the one source; these follow it.
 */

/** "Requires authentication." or "Requires scope: admin." for a protected field; nothing for a public one. */
export function accessSentence(access: Access): string | undefined {
  if (access.kind === 'public') return undefined;
  if (access.scopes.length === 0) return 'Requires authentication.';
  const noun = access.scopes.length === 1 ? 'scope' : 'scopes';
  return `Requires ${noun}: ${access.scopes.join(', ')}.`;
}

function rootTypeNames(schema: GraphQLSchema): Map<RootType, string | undefined> {
  return new Map<RootType, string | undefined>([
    ['Query', schema.getQueryType()?.name],
    ['Mutation', schema.getMutationType()?.name],
    ['Subscription', schema.getSubscriptionType()?.name],
  ]);
}

/** Adds each root field's access sentence to its description, in place. */
export function describeAccess(schema: GraphQLSchema): GraphQLSchema {
  for (const [root, name] of rootTypeNames(schema)) {
    const type = name === undefined ? undefined : schema.getType(name);
    if (!isObjectType(type)) continue;
    for (const [fieldName, field] of Object.entries(type.getFields())) {
      const access = ROOT_PERMISSIONS[root][fieldName];
      const sentence = access && accessSentence(access);
      if (!sentence) continue;
      field.description = field.description ? `${field.description}\n\n${sentence}` : sentence;
    }
  }
  return schema;
}

/** `@authenticated`, or `@requiresScopes(scopes: [["admin"]])`: every listed scope, all required. */
function directiveFor(access: Access): string | undefined {
  if (access.kind === 'public') return undefined;
  if (access.scopes.length === 0) return '@authenticated';
  return `@requiresScopes(scopes: [[${access.scopes.map((scope) => JSON.stringify(scope)).join(', ')}]])`;
}

/** Federation 2.5's definitions of the two directives, imported through @link, so the SDL stands alone. */
const FEDERATION_DEFINITIONS = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@authenticated", "@requiresScopes"])

directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA

scalar link__Import

enum link__Purpose {
  SECURITY
  EXECUTION
}

directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM

directive @requiresScopes(scopes: [[federation__Scope!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM

scalar federation__Scope
`;

/**
 * The SDL with each root field carrying the directive its access needs, and the directives' definitions.
 * @param sdl printed by graphql-js, which prints no applied directives
 */
export function withAccessDirectives(sdl: string, schema: GraphQLSchema): string {
  const roots = new Map([...rootTypeNames(schema)].flatMap(([root, name]) => (name ? [[name, root]] : [])));
  // Where each directive goes: the end of its field's definition, found by parsing the printed text, which
  // is then edited in place so that graphql-js's layout stays as it is.
  const insertions: Array<[at: number, text: string]> = [];
  for (const definition of parse(sdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    const root = roots.get(definition.name.value);
    if (!root) continue;
    for (const field of definition.fields ?? []) {
      const access = ROOT_PERMISSIONS[root][field.name.value];
      const directive = access && directiveFor(access);
      if (directive) insertions.push([field.loc!.end, ` ${directive}`]);
    }
  }
  let annotated = sdl;
  for (const [at, text] of insertions.sort((a, b) => b[0] - a[0])) {
    annotated = annotated.slice(0, at) + text + annotated.slice(at);
  }
  return `${FEDERATION_DEFINITIONS.trim()}\n\n${annotated}`;
}

import { type GraphQLSchema, isObjectType, Kind, parse } from 'graphql';
import { type PermissionMap } from './permission-map';
import { type Policy } from './policy';
import { policySentence, publishPolicy } from './publication';
import { type ScopeClosure } from '../scopes/hierarchy';

/*
 * The permission map, written into the schema so that clients see it before they are refused: a sentence in
 * each guarded field's description (every explorer and Apollo Kotlin/iOS show it), and in the committed SDL
 * Apollo Federation's @authenticated / @requiresScopes / @policy, so that Apollo Router could enforce the
 * same rules in front of this API. The map stays the one source; these follow it.
 */

/** Adds each guarded field's policy sentence to its description, in place. */
export function describeAccess(
  schema: GraphQLSchema,
  map: PermissionMap,
  closure: ScopeClosure,
): GraphQLSchema {
  for (const [typeName, policies] of Object.entries(map.fields)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) continue;
    for (const [fieldName, field] of Object.entries(type.getFields())) {
      const policy = policies[fieldName];
      const sentence = policy && policySentence(policy, closure);
      if (!sentence) continue;
      field.description = field.description ? `${field.description}\n\n${sentence}` : sentence;
    }
  }
  return schema;
}

/**
 * The names `@policy` uses for what scopes cannot say; a Router's coprocessor would decide them:
 * `owner:<argument>` (the argument is the caller's account id), `owner:<Resource>:<argument>`,
 * `owner:parent:<property>`, `account:local` (a token this API issued) and `account:live` (its account
 * active now, and still holding the scopes).
 */
function ownerPolicyName(policy: Policy & { kind: 'guarded' }): string | undefined {
  const { owner } = policy;
  if (!owner) return undefined;
  if (owner.kind === 'argument') return `owner:${owner.argument}`;
  if (owner.kind === 'resource') return `owner:${owner.resource}:${owner.argument}`;
  return `owner:parent:${owner.property}`;
}

const quoted = (sets: ReadonlyArray<readonly string[]>) =>
  `[${sets.map((set) => `[${set.map((item) => JSON.stringify(item)).join(', ')}]`).join(', ')}]`;

/**
 * The directives a field's policy becomes. Directives on one field must all pass, so:
 * - scopes alone: `@requiresScopes` with the hierarchy expanded (`@authenticated` for any token), and
 *   `@policy(policies: [["account:live"]])` when the account is checked too;
 * - an owner alternative: `@authenticated` and one `@policy` holding both alternatives, since a Router's
 *   `@requiresScopes` would refuse the owner: `[["owner:id", "account:live"], ["scope:users:read", …]]`.
 */
export function directivesFor(policy: Policy, closure: ScopeClosure): string[] {
  if (policy.kind === 'public') return [];
  const { anyOfScopes } = publishPolicy(policy, closure);
  const account = policy.account === 'any' ? [] : [`account:${policy.account}`];
  const ownerName = ownerPolicyName(policy);
  if (ownerName) {
    const alternatives = [
      [ownerName, ...account],
      ...anyOfScopes.map((set) => [...set.map((scope) => `scope:${scope}`), ...account]),
    ];
    return ['@authenticated', `@policy(policies: ${quoted(alternatives)})`];
  }
  const scopes = anyOfScopes.some((set) => set.length === 0)
    ? '@authenticated'
    : `@requiresScopes(scopes: ${quoted(anyOfScopes)})`;
  return account.length > 0 ? [scopes, `@policy(policies: ${quoted([account])})`] : [scopes];
}

/** Federation 2.6's definitions of the three directives, imported through @link, so the SDL stands alone. */
const FEDERATION_DEFINITIONS = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@authenticated", "@requiresScopes", "@policy"])

directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA

scalar link__Import

enum link__Purpose {
  SECURITY
  EXECUTION
}

directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM

directive @requiresScopes(scopes: [[federation__Scope!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM

scalar federation__Scope

directive @policy(policies: [[federation__Policy!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM

scalar federation__Policy
`;

/**
 * The SDL with each guarded field carrying the directives its policy becomes, and their definitions.
 * @param sdl printed by graphql-js, which prints no applied directives
 */
export function withAccessDirectives(sdl: string, map: PermissionMap, closure: ScopeClosure): string {
  // Where each directive goes: the end of its field's definition, found by parsing the printed text, which
  // is then edited in place so that graphql-js's layout stays as it is.
  const insertions: Array<[at: number, text: string]> = [];
  for (const definition of parse(sdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    for (const field of definition.fields ?? []) {
      const policy = map.policyOf(definition.name.value, field.name.value);
      const directives = policy ? directivesFor(policy, closure) : [];
      if (directives.length > 0) insertions.push([field.loc!.end, ` ${directives.join(' ')}`]);
    }
  }
  let annotated = sdl;
  for (const [at, text] of insertions.sort((a, b) => b[0] - a[0])) {
    annotated = annotated.slice(0, at) + text + annotated.slice(at);
  }
  return `${FEDERATION_DEFINITIONS.trim()}\n\n${annotated}`;
}

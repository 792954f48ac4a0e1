import { type KeyValueCache } from '@apollo/utils.keyvaluecache';
import {
  type DocumentNode,
  type GraphQLSchema,
  parse,
  specifiedRules,
  validate,
  type ValidationRule,
} from 'graphql';
import { sha256 } from './manifest';

/**
 * The trusted documents parsed and validated once, at startup, with the rules every request meets (the
 * abuse limits included), keyed by their text (the manifest's own strings, which a resolved id hands on).
 * A document that fails validation is left out: requests for it go through the normal pipeline and are
 * refused there, each time, as any other.
 */
export function pinnedDocuments(
  schema: GraphQLSchema,
  texts: Iterable<string>,
  validationRules: readonly ValidationRule[],
): ReadonlyMap<string, DocumentNode> {
  const pinned = new Map<string, DocumentNode>();
  const rules = [...specifiedRules, ...validationRules];
  for (const text of texts) {
    const document = parse(text);
    if (validate(schema, document, rules).length === 0) pinned.set(text, document);
  }
  return pinned;
}

/**
 * Apollo's document store with the pinned documents always in it: Apollo keys a document by a schema
 * prefix and the SHA-256 of the request's text, and finding it there skips parsing and validation. The
 * pinned ones are never evicted, whatever the other documents do to the bounded cache.
 */
export function withPinnedDocuments(
  base: KeyValueCache<DocumentNode> | null,
  pinned: ReadonlyMap<string, DocumentNode>,
): KeyValueCache<DocumentNode> {
  const byHash = new Map([...pinned].map(([text, document]) => [sha256(text), document]));
  return {
    get: async (key) => byHash.get(key.slice(-64)) ?? base?.get(key),
    set: async (key, value, options) => base?.set(key, value, options),
    delete: async (key) => base?.delete(key),
  };
}

import { type DocumentNode, Kind, parse } from 'graphql';

/** The root fields that take no access token: they are how a client gets one. */
const PUBLIC_FIELDS = new Set(['login', 'refreshToken']);

/**
 * Whether `document` (or the operation `operationName` in it) selects only `login` and `refreshToken`, so
 * that no Authorization header goes with it: a stale token must not fail the request that replaces it.
 */
export function isPublicOperation(document: DocumentNode, operationName?: string | null): boolean {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName && definition.name?.value !== operationName) continue;
    const fields = definition.selectionSet.selections.filter(
      (selection) => selection.kind !== Kind.FIELD || selection.name.value !== '__typename',
    );
    return (
      fields.length > 0 &&
      fields.every((selection) => selection.kind === Kind.FIELD && PUBLIC_FIELDS.has(selection.name.value))
    );
  }
  return false;
}

/** Parsed answers per query text: a client sends the same few documents over and over. */
const answers = new Map<string, boolean>();
const MAX_REMEMBERED = 500;

/** {@link isPublicOperation} for the text of a request; text that does not parse is not public. */
export function isPublicQuery(query: string, operationName?: string | null): boolean {
  const key = `${operationName ?? ''}\n${query}`;
  let answer = answers.get(key);
  if (answer === undefined) {
    try {
      answer = isPublicOperation(parse(query), operationName);
    } catch {
      answer = false;
    }
    if (answers.size >= MAX_REMEMBERED) answers.clear();
    answers.set(key, answer);
  }
  return answer;
}

import { type ASTVisitor, GraphQLError, type ValidationContext } from 'graphql';
import { InputError } from '../errors';

/*
 * Text no database of ours can store: PostgreSQL's text refuses NUL, and a lone UTF-16 surrogate has no
 * UTF-8 form. Refused at the boundary, for every field and every domain module alike, as BAD_USER_INPUT,
 * rather than reaching a query and coming back as SERVICE_UNAVAILABLE (PostgreSQL) or being stored mangled.
 */

const MESSAGE = 'Text may not contain NUL characters or unpaired UTF-16 surrogates.';
export const UNSTORABLE_TEXT_RULE = 'unstorable_text';

/** NUL, or a high surrogate not followed by a low one, or a low one not preceded by a high one. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what it looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** A validation rule: no string literal in the document holds unstorable text (cached with the document). */
export function storableText(context: ValidationContext): ASTVisitor {
  return {
    StringValue(node) {
      if (isStorableText(node.value)) return;
      const refusal = new InputError(MESSAGE, undefined, UNSTORABLE_TEXT_RULE);
      context.reportError(new GraphQLError(MESSAGE, { nodes: [node], originalError: refusal }));
    },
  };
}

/** The path (`$input.title`) of the first unstorable string in `value`, keys included; undefined if none. */
function firstUnstorable(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : path;
  // Variables are JSON: as deep as the body limit lets them be, but walked no deeper than this.
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = firstUnstorable(item, `${path}[${index}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    if (!isStorableText(key)) return path;
    const found = firstUnstorable(item, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * @returns the refusal of variables holding unstorable text (naming the variable's path in `field`), or
 * undefined; nothing is walked when there are no variables, as for most requests
 */
export function unstorableVariables(
  variables: Readonly<Record<string, unknown>> | null | undefined,
): InputError | undefined {
  if (!variables) return undefined;
  for (const [name, value] of Object.entries(variables)) {
    const path = firstUnstorable(value, `$${name}`);
    if (path) return new InputError(MESSAGE, path, UNSTORABLE_TEXT_RULE);
  }
  return undefined;
}

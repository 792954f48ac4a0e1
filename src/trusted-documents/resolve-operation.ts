import { GraphQLError, Kind, parse } from 'graphql';
import { type TrustedDocumentsMode } from '../config/trusted-documents';
import { type TrustedDocuments } from './manifest';

export interface ResolveOptions {
  readonly mode: Exclude<TrustedDocumentsMode, 'off'>;
  readonly documents: TrustedDocuments;
  /** In `only` mode, let documents that select nothing but introspection through (INTROSPECTION on). */
  readonly allowIntrospection: boolean;
  readonly maxTokens: number;
}

/** One operation of a request, as the body (POST) or the query string (GET) carries it. */
export interface Operation {
  query?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

/** resolved: the id was known and the text is now the manifest's; pass: on to Apollo unchanged. */
export type Verdict = 'resolved' | 'pass' | 'unknown-id' | 'not-allowed';

/** The id a client sent: `documentId` (GraphQL over HTTP's persisted documents), or APQ's hash. */
function idOf(operation: Operation): { id: string; apq: boolean } | undefined {
  if (typeof operation.documentId === 'string') return { id: operation.documentId, apq: false };
  let { extensions } = operation;
  // GET carries extensions as JSON text; what does not parse is left for Apollo to refuse.
  if (typeof extensions === 'string') {
    try {
      extensions = JSON.parse(extensions) as unknown;
    } catch {
      return undefined;
    }
  }
  const hash = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery
    ?.sha256Hash;
  return typeof hash === 'string' ? { id: hash, apq: true } : undefined;
}

/** A document that selects only `__schema`/`__type`/`__typename` at its roots. */
function isIntrospection(query: string, maxTokens: number): boolean {
  try {
    const document = parse(query, { noLocation: true, maxTokens });
    return document.definitions.every(
      (definition) =>
        definition.kind === Kind.OPERATION_DEFINITION &&
        definition.selectionSet.selections.every(
          (selection) => selection.kind === Kind.FIELD && selection.name.value.startsWith('__'),
        ),
    );
  } catch {
    return false;
  }
}

/**
 * Resolves one operation of a request (HTTP body, GET parameters or a subscribe message) in place: a known
 * id becomes the manifest's text (any text sent with it is ignored). In `allow` mode anything else goes on
 * as before (raw documents, APQ); in `only` mode a raw document or an unknown id may not run.
 */
export function resolveOperation(operation: Operation, options: ResolveOptions): Verdict {
  const { mode, documents } = options;
  const sent = idOf(operation);
  if (sent) {
    const text = documents.get(sent.id);
    if (text !== undefined) {
      operation.query = text;
      // Set to undefined rather than deleted: `delete` turns the body into a dictionary, whose every field
      // Apollo then reads by a hash lookup instead of a property load (Apollo ignores `documentId`).
      operation.documentId = undefined;
      // Apollo would otherwise check the hash against the text, or look it up in its APQ cache.
      if (sent.apq) {
        if (typeof operation.extensions === 'object' && operation.extensions !== null) {
          (operation.extensions as { persistedQuery?: unknown }).persistedQuery = undefined;
        } else delete operation.extensions; // Apollo refuses an `extensions` that is there but undefined
      }
      return 'resolved';
    }
    if (mode === 'only') return 'not-allowed';
    // allow: an APQ hash is Apollo's to look up; a documentId needs the text sent with it.
    if (sent.apq) return 'pass';
    delete operation.documentId;
    return typeof operation.query === 'string' ? 'resolved' : 'unknown-id';
  }
  if (mode === 'allow' || typeof operation.query !== 'string') return 'pass';
  return options.allowIntrospection && isIntrospection(operation.query, options.maxTokens)
    ? 'pass'
    : 'not-allowed';
}

/**
 * An id nothing is known by, sent without the text (`allow` mode): Apollo's code for a hash it does not
 * know, which clients already answer by sending the text.
 */
export function unknownIdError(): GraphQLError {
  return new GraphQLError('Unknown document id: send the document text with it.', {
    extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
  });
}

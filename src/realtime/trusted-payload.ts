import { type GraphQLError } from 'graphql';
import { type SubscribePayload } from 'graphql-ws';
import { AppError } from '../errors';
import { toGraphQLError } from '../server/graphql-error';
import {
  resolveOperation,
  type ResolveOptions,
  unknownIdError,
} from '../trusted-documents/resolve-operation';

/**
 * A subscribe message under TRUSTED_DOCUMENTS: its id (`extensions.persistedQuery.sha256Hash`, or a
 * `documentId` beside the query) resolved to the manifest's text, which replaces whatever text it sent.
 * @returns the payload to run, or the errors that refuse it
 */
export function trustedPayload(
  payload: SubscribePayload,
  options: ResolveOptions,
): SubscribePayload | GraphQLError[] {
  const operation: { query?: unknown; documentId?: unknown; extensions?: unknown } = {
    query: payload.query,
    documentId: (payload as { documentId?: unknown }).documentId,
    extensions: payload.extensions,
  };
  const verdict = resolveOperation(operation, options);
  if (verdict === 'not-allowed') return [toGraphQLError(new AppError('PERSISTED_QUERY_NOT_ALLOWED'))];
  if (verdict === 'unknown-id') return [unknownIdError()];
  return { ...payload, query: operation.query as string };
}

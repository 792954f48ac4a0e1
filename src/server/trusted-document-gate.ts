import { type FastifyRequest, type preHandlerHookHandler } from 'fastify';
import { type Logger } from 'pino';
import { AppError, ERROR_TABLE } from '../errors';
import { toGraphQLError } from './graphql-error';
import { REQUEST_ID_HEADER } from './request-id';
import {
  resolveOperation,
  type ResolveOptions,
  unknownIdError,
} from '../trusted-documents/resolve-operation';

export type DocumentGateOptions = ResolveOptions & { readonly log: Logger };

/**
 * A fastify preHandler for the GraphQL route (graphql-route.ts) that resolves trusted document ids to their text before
 * Apollo sees the request, so a known id runs exactly the manifest's document (any text sent with it is
 * ignored). In `allow` mode anything else goes on as before (raw documents, APQ); in `only` mode a raw
 * document or an unknown id is refused with 400 PERSISTED_QUERY_NOT_ALLOWED before anything is parsed.
 * Every operation of a batch is checked.
 */
export function documentGate(options: DocumentGateOptions): preHandlerHookHandler {
  const { mode, log } = options;
  const notAllowed = toGraphQLError(new AppError('PERSISTED_QUERY_NOT_ALLOWED'));
  const notFound = unknownIdError().toJSON();

  // A callback hook, not an async one: it has nothing to await, and fastify runs it without a promise.
  return (request: FastifyRequest, reply, done) => {
    const get = request.method === 'GET';
    // Apollo reads a GET request's parameters from its URL: they are resolved on a copy, written back below.
    const carrier = get ? { ...(request.query as Record<string, unknown>) } : request.body;
    const operations = (Array.isArray(carrier) ? carrier : [carrier]) as unknown[];
    let resolved = false;
    for (const operation of operations) {
      if (typeof operation !== 'object' || operation === null) continue; // Apollo refuses it
      const verdict = resolveOperation(operation, options);
      resolved ||= verdict === 'resolved';
      if (verdict === 'pass' || verdict === 'resolved') continue;
      const code = verdict === 'not-allowed' ? 'PERSISTED_QUERY_NOT_ALLOWED' : 'PERSISTED_QUERY_NOT_FOUND';
      log.info({ reqId: request.id, trustedDocuments: { mode, refused: code } }, 'document refused');
      void reply
        .code(ERROR_TABLE.PERSISTED_QUERY_NOT_ALLOWED.status)
        .header(REQUEST_ID_HEADER, request.id)
        .send({ errors: [code === 'PERSISTED_QUERY_NOT_ALLOWED' ? notAllowed : notFound] });
      return undefined;
    }
    if (get && resolved) rewriteSearch(request, carrier as Record<string, unknown>);
    done();
  };
}

/** Puts the resolved parameters back into the URL of a GET request, which is where Apollo reads them. */
function rewriteSearch(request: FastifyRequest, parameters: Record<string, unknown>): void {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string') search.append(name, item);
    }
  }
  const path = request.raw.url!.split('?', 1)[0]!;
  request.raw.url = `${path}?${search.toString()}`;
}

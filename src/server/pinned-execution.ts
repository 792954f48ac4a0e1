import { type GraphQLResponse, HeaderMap } from '@apollo/server';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import {
  type DocumentNode,
  execute,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
} from 'graphql';
import { type IncomingHttpHeaders } from 'node:http';
import Negotiator from 'negotiator';
import { isJsonObject } from '../json-object';
import { type RequestContext } from '../request-context';
import { checkedBeforeExecution } from './before-execution';
import { type ErrorFormatter } from './format-error';
import { type HeaderReader } from './response-context';
import { type ResponseHooks } from './response.plugin';
import { unstorableVariables } from './storable-text';

/*
 * Trusted documents run without Apollo's request pipeline (#26). A pinned document was parsed and
 * validated at startup (pinned-documents.ts); Apollo would still hash its text, look it up, resolve the
 * operation and run a dozen awaited plugin hooks around `execute`: together about a third of a `me`
 * request's instructions (sent this way it counts 0.61-0.65× the same request as text, bench/README.md).
 * Here a request for one runs straight through graphql-js's `execute` on the same permitted
 * schema, and the response gets what Apollo would give it: the same error formatter, the same response
 * hooks (status and challenges, the log line, metrics, the trace), the same media type and body.
 *
 * Only the common case runs here; everything else goes on to Apollo, as before, so there is one place
 * each refusal is made: GET (Apollo reads its query string), batches, bodies Apollo would refuse, an APQ
 * hash beside the text (Apollo registers it), an operation name the document does not have, an Accept
 * header Apollo answers with 406, subscriptions and password-checking mutations (checked per HTTP request
 * before execution), variables no database can store, a credential that is refused and variables that do
 * not coerce. The last two are found once the context is made: Apollo is then handed that context (or its
 * error) instead of making it again, so the caller is authenticated, logged and counted once.
 * Off when GraphOS usage reporting is on: its plugin must see every operation.
 */

/** Apollo's media types for a single result, in the order it offers them (MEDIA_TYPES in @apollo/server). */
const RESULT_MEDIA_TYPES = [
  'application/json; charset=utf-8',
  'application/graphql-response+json; charset=utf-8',
  'application/json; callbackSpec=1.0; charset=utf-8',
];

interface Plan {
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  /** As Apollo names it: the operation's name, or null. */
  readonly operationName: string | null;
}

/** A pinned document's operations that may run here: by name, and the one run when no name is sent. */
interface DocumentPlans {
  readonly named: ReadonlyMap<string, Plan>;
  readonly sole: Plan | undefined;
}

/** As graphql-js's getOperationAST picks an operation: by name, or the only one when none is named. */
function plansOf(document: DocumentNode): DocumentPlans {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const named = new Map<string, Plan>();
  let sole: Plan | undefined;
  for (const operation of operations) {
    if (checkedBeforeExecution(operation, document)) continue;
    const plan = { document, operation, operationName: operation.name?.value || null };
    if (operation.name) named.set(operation.name.value, plan);
    if (operations.length === 1) sole = plan;
  }
  return { named, sole };
}

/** The headers as Apollo's fastify integration hands them to Apollo: empty values left out, repeats joined. */
function headerReader(headers: IncomingHttpHeaders): HeaderReader {
  return {
    get(name) {
      const value = headers[name];
      if (!value) return undefined;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/** Apollo's choice of media type for a single result; undefined where it answers 406. */
function resultMediaType(accept: string | undefined): string | undefined {
  if (!accept) return RESULT_MEDIA_TYPES[0];
  return new Negotiator({ headers: { accept } }).mediaType(RESULT_MEDIA_TYPES) || undefined;
}

/** As Apollo makes a GraphQLError of whatever was thrown. */
function ensureGraphQLError(thrown: unknown): GraphQLError {
  if (thrown instanceof GraphQLError) return thrown;
  if (thrown instanceof Error) return new GraphQLError(thrown.message, { originalError: thrown });
  return new GraphQLError(`Unexpected error value: ${String(thrown)}`);
}

/** A partial HTTP head in an error's extensions, as Apollo accepts one. */
function isPartialHead(value: unknown): value is { status?: number; headers?: Map<string, string> } {
  if (!isJsonObject(value)) return false;
  return (
    (!('status' in value) || typeof value.status === 'number') &&
    (!('headers' in value) || value.headers instanceof Map)
  );
}

export interface PinnedExecutionOptions {
  readonly schema: GraphQLSchema;
  /** The pinned documents by their text: the text a trusted id resolves to is the manifest's own string. */
  readonly pinned: ReadonlyMap<string, DocumentNode>;
  readonly formatError: ErrorFormatter;
  readonly includeStacktrace: boolean;
  readonly hooks: ResponseHooks;
}

type ContextFunction = (request: FastifyRequest, reply: FastifyReply) => Promise<RequestContext>;
type Prepared = { readonly context: RequestContext } | { readonly error: unknown };

export class PinnedExecution {
  private readonly plans = new Map<string, DocumentPlans>();
  /** What was made for a request that then went on to Apollo, taken back by {@link contextFunction}. */
  private readonly prepared = new WeakMap<FastifyRequest, Prepared>();

  constructor(
    private readonly options: PinnedExecutionOptions,
    private readonly context: ContextFunction,
  ) {
    for (const [text, document] of options.pinned) this.plans.set(text, plansOf(document));
  }

  /** Apollo's context function: the context (or the refusal) made here for the request, else a new one. */
  contextFunction(): ContextFunction {
    return async (request, reply) => {
      const prepared = this.prepared.get(request);
      if (!prepared) return this.context(request, reply);
      this.prepared.delete(request);
      if ('error' in prepared) throw prepared.error;
      return prepared.context;
    };
  }

  /**
   * Answers a POST of a pinned document (a trusted id the document gate resolved, or the document's exact
   * text) and returns the body sent; undefined when the request is Apollo's to answer.
   */
  async run(request: FastifyRequest, reply: FastifyReply): Promise<string | undefined> {
    if (request.method !== 'POST') return undefined;
    const { body } = request;
    if (!isJsonObject(body) || typeof body.query !== 'string') return undefined;
    const plans = this.plans.get(body.query);
    if (!plans) return undefined;
    const { variables, extensions, operationName } = body;
    // Shapes Apollo refuses with 400, and an APQ hash it would check and register.
    if (variables != null && !isJsonObject(variables)) return undefined;
    if (extensions != null && (!isJsonObject(extensions) || extensions.persistedQuery !== undefined)) {
      return undefined;
    }
    if (operationName != null && typeof operationName !== 'string') return undefined;
    const plan = operationName == null ? plans.sole : plans.named.get(operationName);
    if (!plan) return undefined;
    const headers = headerReader(request.headers);
    const mediaType = resultMediaType(headers.get('accept'));
    if (!mediaType || unstorableVariables(variables)) return undefined;

    let contextValue: RequestContext;
    try {
      contextValue = await this.context(request, reply);
    } catch (error) {
      this.prepared.set(request, { error });
      return undefined;
    }
    const result = await execute({
      schema: this.options.schema,
      document: plan.document,
      contextValue,
      variableValues: variables ?? undefined,
      operationName: operationName ?? undefined,
    });
    // No data at all: the variables did not coerce and nothing ran; Apollo answers that with its 400.
    if (!('data' in result)) {
      this.prepared.set(request, { context: contextValue });
      return undefined;
    }
    return this.respond(reply, headers, mediaType, plan, contextValue, result);
  }

  private respond(
    reply: FastifyReply,
    headers: HeaderReader,
    mediaType: string,
    plan: Plan,
    contextValue: RequestContext,
    result: Awaited<ReturnType<typeof execute>>,
  ): string {
    const http = { status: undefined as number | undefined, headers: new HeaderMap() };
    let errors: GraphQLFormattedError[] | undefined;
    if (result.errors) {
      this.options.hooks.didEncounterErrors({ errors: result.errors, contextValue });
      errors = result.errors.map((error) => this.format(error, http));
    }
    const singleResult = { ...result, errors };
    const response: GraphQLResponse = { http, body: { kind: 'single', singleResult } };
    this.options.hooks.willSendResponse({
      request: { http: { headers } },
      response,
      requestIsBatched: false,
      operation: plan.operation,
      operationName: plan.operationName,
      contextValue,
    });
    if (!http.headers.get('content-type')) http.headers.set('content-type', mediaType);
    for (const [name, value] of http.headers) void reply.header(name, value);
    void reply.code(http.status ?? 200);
    // Apollo's field order and trailing newline.
    const { data, extensions } = singleResult;
    return `${JSON.stringify({ errors: singleResult.errors, data, extensions })}\n`;
  }

  /** As Apollo formats an execution error: a default code, its HTTP head taken out, then formatError. */
  private format(
    error: GraphQLError,
    http: { status: number | undefined; headers: HeaderMap },
  ): GraphQLFormattedError {
    const { formatError, includeStacktrace } = this.options;
    const enrich = (graphqlError: GraphQLError): GraphQLFormattedError => {
      const extensions: Record<string, unknown> = {
        ...graphqlError.extensions,
        code: graphqlError.extensions.code ?? 'INTERNAL_SERVER_ERROR',
      };
      if (isPartialHead(extensions.http)) {
        if (extensions.http.status) http.status = extensions.http.status;
        for (const [name, value] of extensions.http.headers ?? []) http.headers.set(name, value);
        delete extensions.http;
      }
      if (includeStacktrace) extensions.stacktrace = graphqlError.stack?.split('\n');
      return { ...graphqlError.toJSON(), extensions };
    };
    try {
      return formatError(enrich(error), error);
    } catch (formattingError) {
      if (!includeStacktrace) {
        return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
      }
      return enrich(ensureGraphQLError(formattingError));
    }
  }
}

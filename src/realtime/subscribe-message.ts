import { createHash } from 'node:crypto';
import {
  type DocumentNode,
  type ExecutionArgs,
  GraphQLError,
  type GraphQLFormattedError,
  Kind,
  type OperationDefinitionNode,
  OperationTypeNode,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { type SubscribePayload } from 'graphql-ws';
import { type Logger } from 'pino';
import { AppError, errorSpec } from '../errors';
import { type ErrorFormatter } from '../server/format-error';
import { appErrorOf, toGraphQLError } from '../server/graphql-error';
import { type GraphQLPipeline } from '../server/graphql-pipeline';
import { unstorableVariables } from '../server/storable-text';

/*
 * What a subscribe message becomes before it runs, as an HTTP request does: a parsed, validated
 * subscription (or the errors that refuse it), and the errors a subscriber may see.
 */

/**
 * What a subscriber may see of errors: exactly what an HTTP response shows, through the same formatter
 * (ours with their code and message, suggestions hidden where introspection is off, anything else as
 * INTERNAL_SERVER_ERROR with nothing of its message, which goes to the log). An error without a code is
 * unexpected, as Apollo takes it over HTTP.
 */
export function formatErrors(
  errors: readonly GraphQLError[],
  formatError: ErrorFormatter,
  log: Logger,
): GraphQLFormattedError[] {
  return errors.map((error) => {
    const raw = error.toJSON();
    const expected = appErrorOf(error) !== undefined || errorSpec(raw.extensions?.code) !== undefined;
    if (expected) return formatError(raw, error);
    log.error({ ws: true, err: error.originalError ?? error }, 'unexpected error');
    return formatError({ ...raw, extensions: { ...raw.extensions, code: 'INTERNAL_SERVER_ERROR' } }, error);
  });
}

type Refusal = ReturnType<typeof toGraphQLError>[];

/**
 * The document of a subscribe message, parsed and validated as an HTTP request's is (the token limit, then
 * every rule), from the one document cache both transports share: validation is most of what a subscribe
 * costs (bench:sockets' profile), and an app's sockets send the same few documents. Keyed by the text's
 * hash, apart from Apollo's keys.
 */
async function parsedDocument(
  query: string,
  pipeline: Pick<GraphQLPipeline, 'schema' | 'limits' | 'documents'>,
  maxTokens: number,
): Promise<DocumentNode | Refusal> {
  const key = `subscription:${createHash('sha256').update(query).digest('hex')}`;
  const cached = await pipeline.documents?.get(key);
  if (cached) return cached;
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens });
  } catch (error) {
    return [toGraphQLError(new AppError('BAD_REQUEST', (error as Error).message))];
  }
  let errors: readonly GraphQLError[];
  try {
    errors = validate(pipeline.schema, document, [...specifiedRules, ...pipeline.limits.validationRules]);
  } catch (error) {
    // graphql-js 16's single-field rule collects fields without variables and throws, rather than
    // reports, for `@include(if: $var)` whose variable has only a default: the client's document is at fault.
    if (!(error instanceof GraphQLError)) throw error;
    return [toGraphQLError(new AppError('BAD_USER_INPUT', error.message))];
  }
  if (errors.length > 0) {
    return errors.map((error) =>
      toGraphQLError(
        error.originalError instanceof AppError
          ? error.originalError
          : new AppError('BAD_USER_INPUT', error.message),
      ),
    );
  }
  await pipeline.documents?.set(key, document);
  return document;
}

/** The operation a subscribe message names (or its document's only one), which must be a subscription. */
function subscriptionOf(
  document: DocumentNode,
  operationName: string | null | undefined,
): OperationDefinitionNode | Refusal {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName
    ? operations.find((candidate) => candidate.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (!operation)
    return [toGraphQLError(new AppError('BAD_REQUEST', 'Name the operation to run (operationName).'))];
  if (operation.operation !== OperationTypeNode.SUBSCRIPTION) {
    const message = 'Only subscriptions are served over WebSocket: send queries and mutations over HTTP.';
    return [toGraphQLError(new AppError('BAD_REQUEST', message))];
  }
  return operation;
}

/** A subscribe message made ready as an HTTP request is: its document, variables and operation. */
export async function prepare(
  payload: SubscribePayload,
  pipeline: Pick<GraphQLPipeline, 'schema' | 'limits' | 'documents'>,
  maxTokens: number,
): Promise<
  | {
      document: true;
      args: Pick<ExecutionArgs, 'document' | 'variableValues' | 'operationName'>;
      operation: OperationDefinitionNode;
    }
  | Refusal
> {
  const document = await parsedDocument(payload.query, pipeline, maxTokens);
  if (Array.isArray(document)) return document;
  const refusal = unstorableVariables(payload.variables);
  if (refusal) return [toGraphQLError(refusal)];
  const operation = subscriptionOf(document, payload.operationName);
  if (Array.isArray(operation)) return operation;
  return {
    document: true,
    operation,
    args: {
      document,
      variableValues: payload.variables ?? undefined,
      operationName: payload.operationName ?? undefined,
    },
  };
}

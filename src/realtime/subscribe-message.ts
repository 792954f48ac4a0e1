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
  type GraphQLSchema,
} from 'graphql';
import { type SubscribePayload } from 'graphql-ws';
import { type LRUCache } from 'lru-cache';
import { type Logger } from 'pino';
import { AppError, errorSpec } from '../errors';
import { type ErrorFormatter } from '../server/format-error';
import { appErrorOf, toGraphQLError } from '../server/graphql-error';
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

/** Parses and validates a subscribe message as HTTP requests are: the token limit, then every rule. */
export function prepare(
  payload: SubscribePayload,
  deps: { schema: GraphQLSchema; validationRules: NonNullable<Parameters<typeof validate>[2]> },
  maxTokens: number,
  documents: LRUCache<string, DocumentNode> | undefined,
):
  | {
      document: true;
      args: Pick<ExecutionArgs, 'document' | 'variableValues' | 'operationName'>;
      operation: OperationDefinitionNode;
    }
  | ReturnType<typeof toGraphQLError>[] {
  // Validation is most of what a subscribe costs (bench:sockets' profile), and an app's sockets send the
  // same few documents: a valid one is kept, by its text, within GRAPHQL_DOCUMENT_CACHE_BYTES.
  let document = documents?.get(payload.query);
  if (!document) {
    try {
      document = parse(payload.query, { maxTokens });
    } catch (error) {
      return [toGraphQLError(new AppError('BAD_REQUEST', (error as Error).message))];
    }
    let errors: readonly GraphQLError[];
    try {
      errors = validate(deps.schema, document, [...specifiedRules, ...deps.validationRules]);
    } catch (error) {
      // graphql-js 16's single-field rule collects fields without variables and throws, rather than
      // reports, for `@include(if: $var)` whose variable has only a default: the client's document is at fault.
      if (!(error instanceof GraphQLError)) throw error;
      return [toGraphQLError(new AppError('BAD_USER_INPUT', error.message))];
    }
    if (errors.length > 0)
      return errors.map((error) =>
        toGraphQLError(
          error.originalError instanceof AppError
            ? error.originalError
            : new AppError('BAD_USER_INPUT', error.message),
        ),
      );
    documents?.set(payload.query, document);
  }
  const refusal = unstorableVariables(payload.variables);
  if (refusal) return [toGraphQLError(refusal)];
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = payload.operationName
    ? operations.find((candidate) => candidate.name?.value === payload.operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (!operation)
    return [toGraphQLError(new AppError('BAD_REQUEST', 'Name the operation to run (operationName).'))];
  if (operation.operation !== OperationTypeNode.SUBSCRIPTION) {
    return [
      toGraphQLError(
        new AppError(
          'BAD_REQUEST',
          'Only subscriptions are served over WebSocket: send queries and mutations over HTTP.',
        ),
      ),
    ];
  }
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

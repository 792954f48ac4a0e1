import { type GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  OperationTypeNode,
} from 'graphql';
import { AppError, QueryLimitError } from '../errors';
import { type RequestContext } from '../request-context';
import { ONE_PASSWORD_MESSAGE, passwordChecks } from './one-password-check';
import { unstorableVariables } from './storable-text';

/*
 * What is refused once Apollo has resolved an operation and before it executes: the checks that need the
 * variables, the operation's type, or the other operations of the same HTTP request (a batch), which a
 * validation rule, run once per document and cached, cannot see.
 */

/**
 * The refusal as Apollo sends an error thrown by a request hook: 400 with our code, or, in a batch, whose
 * operations share one HTTP status, 200 with the error in that operation's result.
 */
function refusal(error: AppError, batched: boolean): GraphQLError {
  return new GraphQLError(error.message, {
    originalError: error,
    extensions: { ...error.extensions, http: { status: batched ? 200 : 400 } },
  });
}

const SUBSCRIPTION_OVER_HTTP = new AppError(
  'BAD_REQUEST',
  'Subscriptions are served over WebSocket (the graphql-transport-ws protocol) at this same path, not over HTTP.',
);

/**
 * Password checks counted per HTTP request. Apollo gives each operation of a batch a shallow copy of the
 * context, so the key is an object the context function made once for the request and every copy shares.
 */
const passwordChecksByRequest = new WeakMap<object, number>();

const fragmentsOf = (document: DocumentNode) => (name: string) =>
  document.definitions.find(
    (definition): definition is FragmentDefinitionNode =>
      definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === name,
  );

/**
 * Whether {@link refuseBeforeExecution} looks at this operation beyond its variables: a subscription, which
 * it refuses, or a mutation that checks a password, which it counts across the HTTP request. A pinned
 * document run outside Apollo (pinned-execution.ts) leaves such operations to Apollo, and so to it.
 */
export function checkedBeforeExecution(operation: OperationDefinitionNode, document: DocumentNode): boolean {
  if (operation.operation === OperationTypeNode.SUBSCRIPTION) return true;
  return passwordChecks(operation, fragmentsOf(document)) > 0;
}

/**
 * Apollo's didResolveOperation hook. A plain function: Apollo awaits this hook of every listener together
 * (Promise.all takes a value as well as a promise) and turns what it throws into the response.
 * @throws GraphQLError (400) for variables holding text no database can store (BAD_USER_INPUT), a
 * subscription sent over HTTP (BAD_REQUEST), or a second password check in one HTTP request
 * (QUERY_LIMIT_EXCEEDED, limit "password_checks"), batches included
 */
export function refuseBeforeExecution({
  request,
  operation,
  document,
  contextValue,
  requestIsBatched,
}: GraphQLRequestContextDidResolveOperation<RequestContext>): void {
  const unstorable = unstorableVariables(request.variables);
  if (unstorable) throw refusal(unstorable, requestIsBatched);
  // Apollo calls this hook only with an operation resolved; the guard keeps the type honest.
  if (!operation) return;
  if (operation.operation === OperationTypeNode.SUBSCRIPTION)
    throw refusal(SUBSCRIPTION_OVER_HTTP, requestIsBatched);
  if (operation.operation !== OperationTypeNode.MUTATION) return;
  const checks = passwordChecks(operation, fragmentsOf(document));
  if (checks === 0) return;
  const seen = (passwordChecksByRequest.get(contextValue.client) ?? 0) + checks;
  passwordChecksByRequest.set(contextValue.client, seen);
  if (seen > 1) throw refusal(new QueryLimitError('password_checks', ONE_PASSWORD_MESSAGE), requestIsBatched);
}

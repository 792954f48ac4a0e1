import { type GraphQLResponse } from '@apollo/server';
import { type GraphQLError, type OperationDefinitionNode } from 'graphql';
import { type RequestContext } from '../request-context';

/*
 * What the response hooks (response.plugin.ts) read of a request: the part of Apollo's request context they
 * use, which a pinned document run outside Apollo (pinned-execution.ts) builds as well, so both answer
 * with one status, one log line and one set of metrics.
 */

/** A request's headers as Apollo's HeaderMap offers them: names in lower case, repeated values joined. */
export interface HeaderReader {
  get(name: string): string | undefined;
}

export interface ResponseContext {
  readonly request: { readonly http?: { readonly headers: HeaderReader } };
  readonly response: GraphQLResponse;
  readonly requestIsBatched: boolean;
  readonly operation?: OperationDefinitionNode;
  readonly operationName?: string | null;
  readonly contextValue: RequestContext;
}

export interface ErrorsContext {
  readonly errors: readonly GraphQLError[];
  readonly contextValue: RequestContext;
}

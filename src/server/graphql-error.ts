import { GraphQLError } from 'graphql';
import { AppError } from '../errors';

/** Turns one of our errors into the GraphQL error a client receives: its message, code and safe details. */
export function toGraphQLError(error: AppError): GraphQLError {
  return new GraphQLError(error.message, { extensions: error.extensions });
}

/**
 * Our own error behind a GraphQL error: thrown by a resolver or returned by a permission rule (wrapped once
 * by graphql-js) or reported by a validation rule (wrapped again by Apollo).
 */
export function appErrorOf(error: unknown): AppError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current; depth += 1) {
    if (current instanceof AppError) return current;
    current = current instanceof GraphQLError ? current.originalError : undefined;
  }
  return undefined;
}

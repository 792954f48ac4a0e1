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

/**
 * Apollo's own refusal of a malformed request (a persisted-query hash that does not match its query, an
 * unsupported persisted-query version): a GraphQLError with a 4xx `extensions.http` and no code, which
 * Apollo would otherwise report, and our log record, as INTERNAL_SERVER_ERROR.
 */
export function isRequestRefusal(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.extensions.code !== undefined) return false;
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

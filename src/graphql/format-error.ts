import { unwrapResolverError } from '@apollo/server/errors';
import { type FastifyBaseLogger } from 'fastify';
import { type GraphQLFormattedError } from 'graphql';
import { AppError, ServiceUnavailableError, toGraphQLError } from '../errors';

/**
 * @returns Apollo's formatError: our own errors keep their stable code and safe message; anything
 * unexpected is logged and, unless `exposeInternals` (development), reaches the client as a bare
 * INTERNAL_SERVER_ERROR with no message, stack or library text.
 */
export function createErrorFormatter(
  log: FastifyBaseLogger,
  { exposeInternals }: { exposeInternals: boolean },
) {
  return function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
    const original = unwrapResolverError(error);
    if (original instanceof AppError) {
      if (original instanceof ServiceUnavailableError) {
        // The client learns only that it should retry; the operator needs to know why.
        const cause = original.cause instanceof Error ? original.cause.message : String(original.cause);
        log.error({ dependency: 'database', cause }, 'request failed: database unavailable');
      }
      const { message, extensions } = toGraphQLError(original);
      return { ...formatted, message, extensions };
    }
    if (formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR') {
      // An expected error (bad token, missing scope, invalid query) has a code; a stack would only be noise.
      if (formatted.extensions?.stacktrace === undefined) return formatted;
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions;
      return { ...formatted, extensions };
    }
    log.error({ err: original }, 'unexpected error while handling a GraphQL request');
    if (exposeInternals) return formatted;
    return {
      message: 'Internal server error',
      ...(formatted.locations && { locations: formatted.locations }),
      ...(formatted.path && { path: formatted.path }),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

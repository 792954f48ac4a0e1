import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError, QueryLimitError, toGraphQLError } from '../errors';
import { TOKEN_LIMIT_MESSAGE } from './abuse-limits';

/**
 * Our own error behind a GraphQL error: thrown by a resolver (wrapped once by graphql-js) or reported by a
 * validation rule (wrapped again by Apollo).
 */
export function appErrorOf(error: unknown): AppError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current; depth += 1) {
    if (current instanceof AppError) return current;
    current = current instanceof GraphQLError ? current.originalError : undefined;
  }
  return undefined;
}

function withoutStack(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (formatted.extensions?.stacktrace === undefined) return formatted;
  const { stacktrace: _stacktrace, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}

/**
 * @returns Apollo's formatError: our own errors keep their stable code and safe message; anything
 * unexpected reaches the client, unless `exposeInternals` (development), as a bare INTERNAL_SERVER_ERROR
 * with no message, stack or library text. (The request plugin logs the detail and adds the request id.)
 */
export function createErrorFormatter({
  exposeInternals,
  maxTokens,
}: {
  exposeInternals: boolean;
  maxTokens: number;
}) {
  return function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
    let ours = appErrorOf(error);
    const code = formatted.extensions?.code;
    if (!ours && code === 'GRAPHQL_PARSE_FAILED' && TOKEN_LIMIT_MESSAGE.test(formatted.message)) {
      ours = new QueryLimitError('tokens', `The query has more than ${maxTokens} tokens.`);
    }
    if (ours) {
      const { message, extensions } = toGraphQLError(ours);
      return { ...withoutStack(formatted), message, extensions };
    }
    // An expected error (invalid query, bad variables) has a code; a stack would only be noise.
    if (code !== 'INTERNAL_SERVER_ERROR') return withoutStack(formatted);
    if (exposeInternals) return formatted;
    return {
      message: 'Internal server error',
      ...(formatted.locations && { locations: formatted.locations }),
      ...(formatted.path && { path: formatted.path }),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

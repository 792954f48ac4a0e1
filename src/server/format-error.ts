import { type GraphQLFormattedError } from 'graphql';
import { type Config } from '../config';
import { ERROR_TABLE, QueryLimitError } from '../errors';
import { TOKEN_LIMIT_MESSAGE } from './abuse-limits';
import { appErrorOf, isRequestRefusal, toGraphQLError } from './graphql-error';

function withoutStack(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (formatted.extensions?.stacktrace === undefined) return formatted;
  const { stacktrace: _stacktrace, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}

/**
 * graphql-js's hints for unknown fields, arguments, types, enum values and input fields, in validation and
 * variable-coercion errors alike ('Cannot query field "mee" on type "Query". Did you mean "me"?').
 */
const SUGGESTION = / ?Did you mean .+?\?/g;

function withoutSuggestions(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.message.includes('Did you mean')) return formatted;
  return { ...formatted, message: formatted.message.replace(SUGGESTION, '') };
}

/** The formatter for `config`: internals shown only in development, suggestions hidden with introspection. */
export function errorFormatterFor(config: Pick<Config, 'env' | 'graphql'>): ErrorFormatter {
  return createErrorFormatter({
    exposeInternals: config.env === 'development',
    hideSuggestions: !config.graphql.introspection,
    maxTokens: config.graphql.maxTokens,
  });
}

export type ErrorFormatter = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/**
 * @returns Apollo's formatError, which the WebSocket path applies too (src/realtime/subscribe-message.ts): our own errors keep their stable code and safe message; anything
 * unexpected reaches the client, unless `exposeInternals` (development), as a bare INTERNAL_SERVER_ERROR
 * with no message, stack or library text. (The request plugin logs the detail and adds the request id.)
 * With `hideSuggestions` (introspection off), "Did you mean …" hints are dropped: they would leak the
 * schema one guess at a time. Doing it here rather than in a plugin costs nothing on requests without
 * errors.
 */
export function createErrorFormatter({
  exposeInternals,
  hideSuggestions,
  maxTokens,
}: {
  exposeInternals: boolean;
  hideSuggestions: boolean;
  maxTokens: number;
}): ErrorFormatter {
  return function formatError(formatted, error) {
    let ours = appErrorOf(error);
    const code = formatted.extensions?.code;
    if (!ours && code === 'GRAPHQL_PARSE_FAILED' && TOKEN_LIMIT_MESSAGE.test(formatted.message)) {
      ours = new QueryLimitError('tokens', `The query has more than ${maxTokens} tokens.`);
    }
    if (ours) {
      const { message, extensions } = toGraphQLError(ours);
      // Ours too: some carry graphql-js's own words (a subscription's invalid document or arguments).
      const safe = { ...withoutStack(formatted), message, extensions };
      return hideSuggestions ? withoutSuggestions(safe) : safe;
    }
    // Apollo's fixed message for a malformed request is safe to show; the client must fix the request.
    if (isRequestRefusal(error)) return { message: formatted.message, extensions: { code: 'BAD_REQUEST' } };
    // An expected error (invalid query, bad variables) has a code; a stack would only be noise.
    if (code !== 'INTERNAL_SERVER_ERROR') {
      const safe = withoutStack(formatted);
      return hideSuggestions ? withoutSuggestions(safe) : safe;
    }
    if (exposeInternals) return formatted;
    return {
      message: ERROR_TABLE.INTERNAL_SERVER_ERROR.message,
      ...(formatted.locations && { locations: formatted.locations }),
      ...(formatted.path && { path: formatted.path }),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

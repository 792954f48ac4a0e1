import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { InputError, QueryLimitError } from '../../src/errors';
import { createErrorFormatter } from '../../src/server/format-error';
import { appErrorOf } from '../../src/server/graphql-error';

// What Apollo hands formatError for an error thrown inside a resolver.
function resolverFailure(original: Error): [GraphQLFormattedError, unknown] {
  const error = new GraphQLError(original.message, { originalError: original, path: ['me'] });
  return [
    {
      message: original.message,
      path: ['me'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] },
    },
    error,
  ];
}

const production = createErrorFormatter({ exposeInternals: false, hideSuggestions: true, maxTokens: 2000 });
const development = createErrorFormatter({ exposeInternals: true, hideSuggestions: false, maxTokens: 2000 });

describe('formatError', () => {
  it('masks unexpected errors outside development: no message, SQL, library text or stack', () => {
    const formatted = production(
      ...resolverFailure(new Error('relation "users" does not exist: SELECT * FROM users')),
    );
    expect(formatted).toEqual({
      message: 'Internal server error',
      path: ['me'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('shows unexpected errors in development', () => {
    expect(development(...resolverFailure(new Error('boom'))).message).toBe('boom');
  });

  it('keeps our own errors with their stable code and no stack', () => {
    expect(
      development(
        ...resolverFailure(new InputError('subject must be 1-255 printable characters', 'subject')),
      ),
    ).toEqual({
      message: 'subject must be 1-255 printable characters',
      path: ['me'],
      extensions: { code: 'BAD_USER_INPUT', field: 'subject' },
    });
  });

  it('finds our error behind a validation error that Apollo wrapped twice', () => {
    const limit = new QueryLimitError('depth', 'The query is nested more than 10 levels deep.');
    const reported = new GraphQLError(limit.message, { originalError: limit });
    const wrapped = new GraphQLError(reported.message, { originalError: reported });
    expect(appErrorOf(wrapped)).toBe(limit);
    expect(
      production({ message: limit.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }, wrapped),
    ).toEqual({
      message: limit.message,
      extensions: { code: 'QUERY_LIMIT_EXCEEDED', limit: 'depth' },
    });
  });

  it("gives graphql-js's token-limit parse error the stable code", () => {
    const message = 'Syntax Error: Document contains more than 2000 tokens. Parsing aborted.';
    expect(
      production({ message, extensions: { code: 'GRAPHQL_PARSE_FAILED' } }, new GraphQLError(message)),
    ).toEqual({
      message: 'The query has more than 2000 tokens.',
      extensions: { code: 'QUERY_LIMIT_EXCEEDED', limit: 'tokens' },
    });
  });

  it('drops the stack from errors that already have a code', () => {
    const formatted = development(
      {
        message: 'Cannot query field "x"',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: ['at y'] },
      },
      new GraphQLError('Cannot query field "x"'),
    );
    expect(formatted.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });

  describe('field suggestions', () => {
    // graphql-js's wording, one per kind of hint it gives.
    const cases: Array<[string, string]> = [
      [
        'Cannot query field "mee" on type "Query". Did you mean "me"?',
        'Cannot query field "mee" on type "Query".',
      ],
      [
        'Unknown argument "frist" on field "Query.users". Did you mean "first"?',
        'Unknown argument "frist" on field "Query.users".',
      ],
      [
        'Cannot query field "nam" on type "User". Did you mean "name", "username", or "id"?',
        'Cannot query field "nam" on type "User".',
      ],
      [
        'Variable "$input" got invalid value { usernam: "x" }; Field "usernam" is not defined by type "CreateUserInput". Did you mean "username"?',
        'Variable "$input" got invalid value { usernam: "x" }; Field "usernam" is not defined by type "CreateUserInput".',
      ],
      ['Unknown type "Usr". Did you mean "User"?', 'Unknown type "Usr".'],
    ];

    it.each(cases)('drops the hint from %j when asked', (message, expected) => {
      const formatted = production(
        { message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
        new GraphQLError(message),
      );
      expect(formatted).toEqual({ message: expected, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    });

    it('keeps the hint when introspection is on (the schema is public anyway)', () => {
      const message = 'Cannot query field "mee" on type "Query". Did you mean "me"?';
      const formatted = development(
        { message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
        new GraphQLError(message),
      );
      expect(formatted.message).toBe(message);
    });
  });
});

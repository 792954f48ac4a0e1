import { type FastifyBaseLogger } from 'fastify';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { InputError } from '../../src/errors';
import { createErrorFormatter } from '../../src/graphql/format-error';

function logger() {
  const errors: unknown[] = [];
  return {
    log: { error: (...args: unknown[]) => errors.push(args) } as unknown as FastifyBaseLogger,
    errors,
  };
}

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

describe('formatError', () => {
  it('masks unexpected errors outside development and logs them for the operator', () => {
    const { log, errors } = logger();
    const format = createErrorFormatter(log, { exposeInternals: false });
    const formatted = format(
      ...resolverFailure(new Error('relation "users" does not exist: SELECT * FROM users')),
    );
    expect(formatted).toEqual({
      message: 'Internal server error',
      path: ['me'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(errors).toHaveLength(1);
  });

  it('shows unexpected errors in development', () => {
    const format = createErrorFormatter(logger().log, { exposeInternals: true });
    expect(format(...resolverFailure(new Error('boom'))).message).toBe('boom');
  });

  it('keeps our own errors with their stable code and no stack', () => {
    const format = createErrorFormatter(logger().log, { exposeInternals: true });
    expect(
      format(...resolverFailure(new InputError('subject must be 1-255 printable characters', 'subject'))),
    ).toEqual({
      message: 'subject must be 1-255 printable characters',
      path: ['me'],
      extensions: { code: 'BAD_USER_INPUT', field: 'subject' },
    });
  });

  it('drops the stack from errors that already have a code', () => {
    const format = createErrorFormatter(logger().log, { exposeInternals: true });
    const formatted = format(
      {
        message: 'Cannot query field "x"',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: ['at y'] },
      },
      new GraphQLError('Cannot query field "x"'),
    );
    expect(formatted.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });
});

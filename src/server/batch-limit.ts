import { type preHandlerAsyncHookHandler } from 'fastify';
import { AppError, ERROR_TABLE } from '../errors';
import { toGraphQLError } from './graphql-error';

/**
 * A fastify preHandler that refuses a batched GraphQL request of more than `limit` operations with 400
 * BATCH_LIMIT_EXCEEDED, before Apollo sees any of them.
 */
export function batchLimit(limit: number): preHandlerAsyncHookHandler {
  const error = toGraphQLError(
    new AppError('BATCH_LIMIT_EXCEEDED', `A batch may hold at most ${limit} operations.`),
  );
  return async (request, reply) => {
    if (!Array.isArray(request.body) || request.body.length <= limit) return undefined;
    return reply.code(ERROR_TABLE.BATCH_LIMIT_EXCEEDED.status).send({ errors: [error] });
  };
}

import { type ApolloServerPlugin, type GraphQLRequestListener } from '@apollo/server';
import { type Logger } from 'pino';
import { type RequestContext } from '../request-context';
import { ServiceUnavailableError } from '../errors';
import { type Metrics } from '../observability/metrics';
import { appErrorOf } from './graphql-error';
import { requestLog, requestOutcome } from './request-log';
import { responseStatus } from './response-status';

/**
 * Our one Apollo request plugin: the response's HTTP status and headers (response-status.ts), then the
 * request's log line (request-log.ts), which records the status the client gets. One shared listener with
 * synchronous hooks, because Apollo awaits every hook of every listener on every request (the cost of a
 * second listener is measured in bench/README.md).
 */
export function responsePlugin(
  log: Logger,
  realm: string,
  metrics: Metrics,
): ApolloServerPlugin<RequestContext> {
  const setStatus = responseStatus(realm);
  const { onErrors, onResponse } = requestLog(log);
  const listener: GraphQLRequestListener<RequestContext> = {
    didEncounterErrors: async (context) => {
      onErrors(context);
      for (const error of context.errors) {
        if (appErrorOf(error) instanceof ServiceUnavailableError) metrics.databaseError();
      }
    },
    willSendResponse: async (context) => {
      setStatus(context);
      onResponse(context);
      metrics.graphqlRequest(
        context.operation ? (context.operationName ?? null) : null,
        requestOutcome(context.response),
        (performance.now() - context.contextValue.startedAt) / 1000,
      );
    },
  };
  return { requestDidStart: async () => listener };
}

import { type ApolloServerPlugin, type GraphQLRequestListener } from '@apollo/server';
import { type Logger } from 'pino';
import { type RequestContext } from '../request-context';
import { clientOf } from '../observability/client-awareness';
import { type Metrics } from '../observability/metrics';
import { requestLog, requestOutcome } from './request-log';
import { responseStatus } from './response-status';
import { refuseBeforeExecution } from './before-execution';

type RequestListener = GraphQLRequestListener<RequestContext>;

/**
 * Our one Apollo request plugin: what is refused before execution (before-execution.ts), then the
 * response's HTTP status and headers (response-status.ts), then the request's log line (request-log.ts),
 * which records the status the client gets. One shared listener with synchronous hooks, because Apollo
 * awaits every hook of every listener on every request (the cost of a second listener is measured in
 * bench/README.md).
 */
export function responsePlugin(
  log: Logger,
  realm: string,
  metrics: Metrics,
): ApolloServerPlugin<RequestContext> {
  const setStatus = responseStatus(realm);
  const { onErrors, onResponse } = requestLog(log, {
    onDatabaseUnavailable: () => metrics.databaseError(),
  });
  const listener: RequestListener = {
    // A plain function (before-execution.ts): the hook is typed async, but Apollo awaits it with the same
    // hook of every listener in one Promise.all, which takes a value too, and catches what it throws.
    didResolveOperation: refuseBeforeExecution as unknown as RequestListener['didResolveOperation'],
    didEncounterErrors: async (context) => onErrors(context),
    willSendResponse: async (context) => {
      setStatus(context);
      onResponse(context);
      const operationName = context.operation ? (context.operationName ?? null) : null;
      const outcome = requestOutcome(context.response);
      metrics.graphqlRequest(
        operationName,
        clientOf(context.request.http?.headers),
        outcome,
        (performance.now() - context.contextValue.startedAt) / 1000,
      );
      const { identity, trace } = context.contextValue;
      if (trace) {
        trace.annotate({
          operationName,
          operationType: context.operation?.operation,
          outcome,
          subject: identity.authenticated ? identity.subject : undefined,
        });
      }
    },
  };
  return { requestDidStart: async () => listener };
}

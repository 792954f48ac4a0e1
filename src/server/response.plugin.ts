import { type ApolloServerPlugin, type GraphQLRequestListener } from '@apollo/server';
import { type Logger } from 'pino';
import { type RequestContext } from '../request-context';
import { clientOf } from '../observability/client-awareness';
import { type Metrics } from '../observability/metrics';
import { requestLog, requestOutcome } from './request-log';
import { responseStatus } from './response-status';
import { refuseBeforeExecution } from './before-execution';
import { type ErrorsContext, type ResponseContext } from './response-context';

type RequestListener = GraphQLRequestListener<RequestContext>;

/** What happens once a request has errors, and once its response is ready, on every path that answers one. */
export interface ResponseHooks {
  readonly didEncounterErrors: (context: ErrorsContext) => void;
  readonly willSendResponse: (context: ResponseContext) => void;
}

/**
 * The response's HTTP status and headers (response-status.ts), then the request's log line
 * (request-log.ts), which records the status the client gets, then the request metrics and the trace's
 * attributes. Apollo runs them through {@link responsePlugin}; a pinned document run outside Apollo
 * (pinned-execution.ts) calls them itself.
 */
export function responseHooks(log: Logger, realm: string, metrics: Metrics): ResponseHooks {
  const setStatus = responseStatus(realm);
  const { onErrors, onResponse } = requestLog(log, {
    onDatabaseUnavailable: () => metrics.databaseError(),
  });
  return {
    didEncounterErrors: onErrors,
    willSendResponse: (context) => {
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
}

/**
 * Our one Apollo request plugin: what is refused before execution (before-execution.ts), then
 * {@link responseHooks}. One shared listener with synchronous hooks, because Apollo awaits every hook of
 * every listener on every request (the cost of a second listener is measured in bench/README.md).
 */
export function responsePlugin(hooks: ResponseHooks): ApolloServerPlugin<RequestContext> {
  const listener: RequestListener = {
    // A plain function (before-execution.ts): the hook is typed async, but Apollo awaits it with the same
    // hook of every listener in one Promise.all, which takes a value too, and catches what it throws.
    didResolveOperation: refuseBeforeExecution as unknown as RequestListener['didResolveOperation'],
    didEncounterErrors: async (context) => hooks.didEncounterErrors(context),
    willSendResponse: async (context) => hooks.willSendResponse(context),
  };
  return { requestDidStart: async () => listener };
}

import { type ApolloServerPlugin, type GraphQLRequestListener } from '@apollo/server';
import { type Logger } from 'pino';
import { type RequestContext } from '../request-context';
import { type Metrics } from '../observability/metrics';
import { type Tracing } from '../observability/tracing-hooks';
import { requestLog, requestOutcome } from './request-log';
import { responseStatus } from './response-status';
import { refusedVariables, unstorableVariables } from './storable-text';

function refuseUnstorableVariables({ request }: { request: { variables?: Record<string, unknown> } }): void {
  const refusal = unstorableVariables(request.variables);
  if (refusal) throw refusedVariables(refusal);
}

/**
 * Our one Apollo request plugin: variables holding text no database can store are refused before execution
 * (storable-text.ts), then the response's HTTP status and headers (response-status.ts), then the request's
 * log line (request-log.ts), which records the status the client gets. One shared listener with
 * synchronous hooks, because Apollo awaits every hook of every listener on every request (the cost of a
 * second listener is measured in bench/README.md).
 */
export function responsePlugin(
  log: Logger,
  realm: string,
  metrics: Metrics,
  tracing?: Tracing,
): ApolloServerPlugin<RequestContext> {
  const setStatus = responseStatus(realm);
  const { onErrors, onResponse } = requestLog(log, {
    ...(tracing && { traceId: () => tracing.currentTraceId() }),
    onDatabaseUnavailable: () => metrics.databaseError(),
  });
  const listener: GraphQLRequestListener<RequestContext> = {
    // A plain function, not an async one: Apollo awaits this hook of every listener together (Promise.all,
    // which takes a value as well as a promise) and catches what it throws, and it runs on every request.
    didResolveOperation:
      refuseUnstorableVariables as unknown as GraphQLRequestListener<RequestContext>['didResolveOperation'],
    didEncounterErrors: async (context) => onErrors(context),
    willSendResponse: async (context) => {
      setStatus(context);
      onResponse(context);
      const operationName = context.operation ? (context.operationName ?? null) : null;
      const outcome = requestOutcome(context.response);
      metrics.graphqlRequest(
        operationName,
        outcome,
        (performance.now() - context.contextValue.startedAt) / 1000,
      );
      if (tracing) {
        const { identity } = context.contextValue;
        tracing.annotateRequest({
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

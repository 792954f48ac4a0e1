import { type Logger } from 'pino';
import { errorSpec, ServiceUnavailableError } from '../errors';
import { type ErrorsContext, type ResponseContext } from './response-context';
import { type RequestOutcome } from '../observability/metrics';
import { appErrorOf, isRequestRefusal } from './graphql-error';

const LEVELS = ['info', 'warn', 'error'] as const;

/** ok: no errors; partial: errors beside data; error: no data. */
export function requestOutcome(response: ResponseContext['response']): RequestOutcome {
  if (response.body.kind !== 'single') return 'ok';
  const { errors, data } = response.body.singleResult;
  if (!errors?.length) return 'ok';
  return data ? 'partial' : 'error';
}

/** What the request log does at two of Apollo's request hooks (composed in response.plugin.ts). */
export interface RequestLog {
  readonly onErrors: (context: ErrorsContext) => void;
  readonly onResponse: (context: ResponseContext) => void;
}

/**
 * One structured line per GraphQL request: request id, operation name, caller `sub`, duration, outcome and
 * error codes; never variables, tokens or passwords. Its level is the highest the error table gives the
 * codes (info for codes that are not ours). Unexpected errors are logged here in full, and errors that are
 * not the client's mistake carry the request id in the response, so a user's report finds the line.
 */
export function requestLog(
  log: Logger,
  hooks: {
    /** Told of each error that found the database unavailable (metrics count them). */
    readonly onDatabaseUnavailable?: () => void;
  } = {},
): RequestLog {
  const { onDatabaseUnavailable } = hooks;
  // The level does not change while the process runs.
  const infoEnabled = log.isLevelEnabled('info');
  return {
    onErrors({ errors, contextValue: { requestId } }) {
      for (const error of errors) {
        const ours = appErrorOf(error);
        if (ours instanceof ServiceUnavailableError) {
          onDatabaseUnavailable?.();
          const cause = ours.cause instanceof Error ? ours.cause.message : String(ours.cause);
          log.error({ reqId: requestId, dependency: 'database', cause }, 'database unavailable');
        } else if (
          !ours &&
          !isRequestRefusal(error) &&
          (error.extensions?.code ?? 'INTERNAL_SERVER_ERROR') === 'INTERNAL_SERVER_ERROR'
        ) {
          log.error({ reqId: requestId, err: error.originalError ?? error }, 'unexpected error');
        }
      }
    },
    onResponse({ response, operationName, contextValue: { requestId, identity, startedAt, trace } }) {
      const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
      // The common case, a clean request with info logging off, costs nothing more.
      if (!errors?.length && !infoEnabled) return;
      let level = 0;
      for (const error of errors ?? []) {
        const spec = errorSpec(error.extensions?.code);
        if (!spec) continue;
        level = Math.max(level, LEVELS.indexOf(spec.level));
        if (!spec.clientMistake && error.extensions) {
          (error.extensions as Record<string, unknown>).requestId = requestId;
        }
      }
      const codes = [...new Set(errors?.map((error) => String(error.extensions?.code)) ?? [])];
      const line = {
        reqId: requestId,
        ...(trace && { traceId: trace.traceId }),
        graphql: {
          operationName: operationName ?? null,
          sub: identity.authenticated ? identity.subject : null,
          durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
          outcome: requestOutcome(response),
          status: response.http.status ?? 200,
          ...(codes.length > 0 && { errorCodes: codes }),
        },
      };
      log[LEVELS[level]!](line, 'graphql request');
    },
  };
}

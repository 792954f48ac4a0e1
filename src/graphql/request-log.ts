import {
  type GraphQLRequestContextDidEncounterErrors,
  type GraphQLRequestContextWillSendResponse,
} from '@apollo/server';
import { type Logger } from 'pino';
import { type RequestContext } from '../auth/identity';
import { ServiceUnavailableError } from '../errors';
import { appErrorOf } from './format-error';

/** Codes whose responses carry the request id, so a user's report can be matched to the log line. */
const TRACEABLE = new Set(['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE']);
/** Refusals an operator may want to notice (abuse, throttling, outages), logged at warn. */
const NOTABLE = new Set([
  'QUERY_LIMIT_EXCEEDED',
  'TOO_MANY_REQUESTS',
  'SERVICE_UNAVAILABLE',
  'REFRESH_TOKEN_REUSED',
]);

/** What the request log does at two of Apollo's request hooks (composed in response.plugin.ts). */
export interface RequestLog {
  readonly onErrors: (context: GraphQLRequestContextDidEncounterErrors<RequestContext>) => void;
  readonly onResponse: (context: GraphQLRequestContextWillSendResponse<RequestContext>) => void;
}

/**
 * One structured line per GraphQL request: request id, operation name, caller `sub`, duration, outcome and
 * error codes; never variables, tokens or passwords. Unexpected errors are logged here in full, with the
 * request id that the masked client error also carries.
 */
export function requestLog(log: Logger): RequestLog {
  // The level does not change while the process runs.
  const infoEnabled = log.isLevelEnabled('info');
  return {
    onErrors({ errors, contextValue: { requestId } }) {
      for (const error of errors) {
        const ours = appErrorOf(error);
        if (ours instanceof ServiceUnavailableError) {
          const cause = ours.cause instanceof Error ? ours.cause.message : String(ours.cause);
          log.error({ reqId: requestId, dependency: 'database', cause }, 'database unavailable');
        } else if (!ours && (error.extensions?.code ?? 'INTERNAL_SERVER_ERROR') === 'INTERNAL_SERVER_ERROR') {
          log.error({ reqId: requestId, err: error.originalError ?? error }, 'unexpected error');
        }
      }
    },
    onResponse({ response, operationName, contextValue: { requestId, identity, startedAt } }) {
      const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
      // The common case, a clean request with info logging off, costs nothing more.
      if (!errors?.length && !infoEnabled) return;
      const codes = [...new Set(errors?.map((error) => String(error.extensions?.code)) ?? [])];
      for (const error of errors ?? []) {
        if (TRACEABLE.has(String(error.extensions?.code)) && error.extensions) {
          (error.extensions as Record<string, unknown>).requestId = requestId;
        }
      }
      const data = response.body.kind === 'single' ? response.body.singleResult.data : undefined;
      const line = {
        reqId: requestId,
        graphql: {
          operationName: operationName ?? null,
          sub: identity.authenticated ? identity.subject : null,
          durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
          outcome: codes.length === 0 ? 'ok' : data ? 'partial' : 'error',
          status: response.http.status ?? 200,
          ...(codes.length > 0 && { errorCodes: codes }),
        },
      };
      if (codes.includes('INTERNAL_SERVER_ERROR')) log.error(line, 'graphql request');
      else if (codes.some((code) => NOTABLE.has(code))) log.warn(line, 'graphql request');
      else log.info(line, 'graphql request');
    },
  };
}

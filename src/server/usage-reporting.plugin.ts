import { type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginUsageReporting } from '@apollo/server/plugin/usageReporting';
import { GraphQLError } from 'graphql';
import { type Logger } from 'pino';
import { type UsageReportingConfig } from '../config/graphos';
import { type RequestContext } from '../request-context';
import { clientOf } from '../observability/client-awareness';
import { appErrorOf } from './graphql-error';

/*
 * Loaded only when APOLLO_KEY and APOLLO_GRAPH_REF are set (server.ts): Apollo's reporting plugin and its
 * protobuf stay out of a process that reports nothing.
 */

/** Apollo's codes for what never reached execution, which carry no data; anything else is reported by ours. */
const APOLLO_CODE = /^[A-Z][A-Z_]{0,63}$/;

/** What GraphOS gets in place of an error's message: its stable code, never its text. */
function errorCodeOnly(error: GraphQLError): GraphQLError {
  const ours = appErrorOf(error)?.code;
  const apollos = error.extensions.code;
  const code =
    ours ?? (typeof apollos === 'string' && APOLLO_CODE.test(apollos) ? apollos : 'INTERNAL_SERVER_ERROR');
  return new GraphQLError(code, { extensions: { code } });
}

/**
 * Apollo's usage reporting, with every choice that decides what leaves the process written down rather than
 * left to Apollo's defaults: no header (Authorization included), no variable value (names only), an
 * error's code in place of its message, no text of a document that failed to parse or validate (it may
 * hold a pasted token), and the client's name and version from its headers. Reports go every 10 s and
 * on shutdown, to GraphOS or APOLLO_USAGE_REPORTING_ENDPOINT.
 */
export function usageReportingPlugin(
  config: UsageReportingConfig,
  log: Logger,
): ApolloServerPlugin<RequestContext> {
  return ApolloServerPluginUsageReporting<RequestContext>({
    ...(config.endpoint !== undefined && { endpointUrl: config.endpoint }),
    sendHeaders: { none: true },
    sendVariableValues: { none: true },
    sendErrors: { transform: errorCodeOnly },
    sendUnexecutableOperationDocuments: false,
    fieldLevelInstrumentation: config.fieldLevelInstrumentation,
    generateClientInfo: ({ request }) => {
      const { name, version } = clientOf(request.http?.headers);
      return { clientName: name, clientVersion: version };
    },
    // Apollo's own startup line would be a second one beside ours (src/index.ts); its warnings stay.
    logger: {
      debug: () => undefined,
      info: () => undefined,
      warn: (message: string) => log.warn(`usage reporting: ${message}`),
      error: (message: string) => log.error(`usage reporting: ${message}`),
    },
    // Apollo's message quotes the endpoint's answer; the status is what an operator acts on.
    reportErrorFunction: (error: Error) => {
      const status = /HTTP status (\d{3})/.exec(error.message)?.[1];
      log.warn(
        { status: status === undefined ? 'unreachable' : Number(status) },
        'usage report not delivered to GraphOS after retries; its operations are not counted there',
      );
    },
  });
}

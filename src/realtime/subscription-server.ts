import { type IncomingMessage } from 'node:http';
import { type ExecutionArgs } from 'graphql';
import { makeServer, type Server, type ServerOptions } from 'graphql-ws';
import { type Logger } from 'pino';
import { WebSocket } from 'ws';
import { type Authenticate } from '../auth/authenticate';
import { type Identity } from '../auth/identity';
import { type Config } from '../config';
import { AuthError, QueryLimitError } from '../errors';
import { type Metrics } from '../observability/metrics';
import { type AccessFacts } from '../permissions/decide';
import { type PermissionMap } from '../permissions/permission-map';
import { type RequestContext } from '../request-context';
import { toGraphQLError } from '../server/graphql-error';
import { type GraphQLPipeline } from '../server/graphql-pipeline';
import { CLOSE, type ConnectionRegistry } from './connections';
import { formatErrors, prepare } from './subscribe-message';
import { type SubscriptionGate, subscriptionRefusal } from './subscription-access';
import { trustedPayload } from './trusted-payload';

/**
 * What a subscribe message goes through: the HTTP path's pipeline (the schema, the limits, the document
 * cache, the error formatter, the trusted documents), its authenticator, and the permission map.
 */
export interface SubscriptionPipeline extends GraphQLPipeline {
  readonly authenticate: Authenticate;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** The permission map and what its decisions read, as the HTTP path's shield rules have them. */
  readonly permissions: PermissionMap;
  readonly access: AccessFacts;
}

export type SocketExtra = { socket: WebSocket; request: IncomingMessage };

/** Reads `Authorization` (or `authorization`) from a connection_init payload; anything else is no header. */
function authorizationOf(params: Readonly<Record<string, unknown>> | undefined): unknown {
  return params?.Authorization ?? params?.authorization;
}

type Options = ServerOptions<Record<string, unknown>, SocketExtra>;

/** connection_init: the token verified as over HTTP; the user counted within WS_MAX_SOCKETS_PER_USER. */
function onConnect(
  pipeline: SubscriptionPipeline,
  registry: ConnectionRegistry,
): NonNullable<Options['onConnect']> {
  return async (ctx) => {
    const connection = registry.of(ctx.extra.socket);
    let identity: Identity;
    try {
      const header = authorizationOf(ctx.connectionParams);
      identity = await pipeline.authenticate(
        typeof header === 'string' || header === undefined ? header : '',
      );
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      pipeline.metrics.authFailure(error.reason);
      pipeline.log.info(
        { ws: true, auth: { reason: error.reason, check: error.detail } },
        'credential refused',
      );
      registry.unauthorized(connection, error.reason);
      return false;
    }
    // The client may have gone while its token was checked: nothing to count or follow then.
    if (connection.socket.readyState !== WebSocket.OPEN) return false;
    if (identity.authenticated && !registry.identify(connection, identity)) {
      registry.closeWith(connection, CLOSE.tooMany, 'TOO_MANY_SOCKETS_FOR_USER');
      return false;
    }
    connection.subscriptions = ctx.subscriptions;
    return true;
  };
}

/**
 * A subscribe message, made ready as an HTTP request is: within the socket's limit, resolved from a trusted
 * document id, parsed and validated, then gated by the permission map over every field it selects.
 */
function onSubscribe(
  pipeline: SubscriptionPipeline,
  registry: ConnectionRegistry,
  config: Pick<Config, 'subscriptions' | 'graphql'>,
): NonNullable<Options['onSubscribe']> {
  const limit = config.subscriptions.maxSubscriptionsPerSocket;
  const gate: SubscriptionGate = {
    schema: pipeline.schema,
    permissions: pipeline.permissions,
    facts: pipeline.access,
    onDenied: (field) => pipeline.metrics.accessDenied(field),
  };
  return async (ctx, _id, payload) => {
    const connection = registry.of(ctx.extra.socket);
    if (Object.keys(ctx.subscriptions).length > limit) {
      return [
        toGraphQLError(
          new QueryLimitError('subscriptions', `A socket may hold at most ${limit} subscriptions.`),
        ),
      ];
    }
    const trusted = pipeline.trusted && trustedPayload(payload, pipeline.trusted);
    if (Array.isArray(trusted)) return trusted;
    const prepared = await prepare(trusted ?? payload, pipeline, config.graphql.maxTokens);
    if (!('document' in prepared)) return prepared;
    const contextValue: RequestContext = {
      identity: connection.identity,
      client: connection.client,
      requestId: connection.requestId,
      startedAt: performance.now(),
    };
    const refused = await subscriptionRefusal(
      gate,
      { document: prepared.args.document, operation: prepared.operation },
      payload.variables,
      { identity: connection.identity, context: contextValue },
    );
    if (refused) return refused;
    return {
      ...prepared.args,
      schema: pipeline.schema,
      contextValue,
      rootValue: connection.root,
    } satisfies ExecutionArgs;
  };
}

/**
 * graphql-ws's protocol with this API's rules in its hooks: connection_init verified by the HTTP path's
 * authenticator, each subscribe message resolved, parsed, validated and gated as an HTTP request is, and
 * every error through the HTTP path's formatter. The sockets themselves are the registry's.
 */
export function subscriptionServer(
  pipeline: SubscriptionPipeline,
  registry: ConnectionRegistry,
  config: Pick<Config, 'subscriptions' | 'graphql'>,
): Server<SocketExtra> {
  const settings = config.subscriptions;
  return makeServer<Record<string, unknown>, SocketExtra>({
    schema: pipeline.schema,
    connectionInitWaitTimeout: settings.connectionInitTimeoutMs,
    onConnect: onConnect(pipeline, registry),
    onSubscribe: onSubscribe(pipeline, registry, config),
    onNext: (ctx, _id, _payload, _args, result) => {
      // ws buffers whatever cannot be written yet; a client that stops reading is cut off, not fed.
      const connection = registry.of(ctx.extra.socket);
      if (connection.socket.bufferedAmount > settings.maxBufferedBytes) {
        registry.closeWith(connection, CLOSE.slowConsumer, 'SLOW_CONSUMER');
      }
      if (!result.errors) return undefined;
      return { ...result, errors: formatErrors(result.errors, pipeline.formatError, pipeline.log) };
    },
    onError: (_ctx, _id, _payload, errors) => formatErrors(errors, pipeline.formatError, pipeline.log),
  });
}

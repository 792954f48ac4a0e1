import { randomUUID } from 'node:crypto';
import { type IncomingMessage } from 'node:http';
import { type Duplex } from 'node:stream';
import { type FastifyInstance } from 'fastify';
import { type DocumentNode, type ExecutionArgs, type GraphQLSchema, type validate } from 'graphql';
import { DEPRECATED_GRAPHQL_WS_PROTOCOL, handleProtocols, makeServer } from 'graphql-ws';
import { LRUCache } from 'lru-cache';
import { type Logger } from 'pino';
import proxyaddr from 'proxy-addr';
import { WebSocket, WebSocketServer } from 'ws';
import { type AuditTrail } from '../audit/audit-trail';
import { type Authenticate } from '../auth/authenticate';
import { ANONYMOUS, type Identity } from '../auth/identity';
import { type RevocationRegistry } from '../auth/revocation-registry';
import { type Config } from '../config';
import { AuthError, type AuthFailureReason, QueryLimitError } from '../errors';
import { type LiveRoot } from '../graphql/events.resolver';
import { type ClientInfo, type RequestContext } from '../request-context';
import { documentBytes } from '../server/document-store';
import { toGraphQLError } from '../server/graphql-error';
import { type Lifecycle } from '../server/lifecycle';
import { trustProxyFunction } from '../server/trust-proxy';
import { auditEventStream } from './event-stream';
import { formatErrors, prepare } from './subscribe-message';
import { type Metrics } from '../observability/metrics';
import { type ErrorFormatter } from '../server/format-error';
import { type ResolveOptions } from '../trusted-documents/resolve-operation';
import { type AccessFacts } from '../permissions/decide';
import { type PermissionMap } from '../permissions/permission-map';
import { type SubscriptionGate, subscriptionRefusal } from './subscription-access';
import { trustedPayload } from './trusted-payload';

/** Close codes beyond graphql-ws's own (4400 bad message, 4406 subprotocol, 4408 no connection_init, …). */
export const CLOSE = {
  /** The token is missing where needed, bad, expired or revoked: the reason says which. */
  unauthorized: 4401,
  /** Too many sockets for this user or this address. */
  tooMany: 4429,
  /** An error of ours while handling a message (logged with the socket's request id). */
  internal: 4500,
  /** RFC 6455: the server is going away (shutdown). */
  goingAway: 1001,
  /** RFC 6455 "try again later": a slow consumer, whose unsent data passed WS_MAX_BUFFERED_BYTES. */
  slowConsumer: 1013,
} as const;

/** Events a subscription may hold unsent before it counts as a slow consumer. */
const EVENT_QUEUE_CAPACITY = 256;
/**
 * How often sockets are checked for an expired token. One sweep for all of them costs less than a timer
 * per socket (memory and connect rate: bench:sockets), and keeps the close within half a second of `exp`.
 */
const EXPIRY_SWEEP_MS = 500;

interface Connection {
  readonly socket: WebSocket;
  readonly address: string;
  /** In the log lines of its subscriptions: one id per socket. */
  readonly requestId: string;
  readonly client: ClientInfo;
  readonly root: LiveRoot;
  identity: Identity;
  userKey: string | undefined;
  /** The token's `exp`, epoch ms; undefined while anonymous. */
  expiresAt: number | undefined;
  /** Answered the last ping (heartbeat). */
  alive: boolean;
  /** graphql-ws's subscriptions of the socket, by id: null while one is being prepared. */
  subscriptions: Readonly<Record<string, unknown>> | undefined;
}

export interface SubscriptionServerDependencies {
  readonly schema: GraphQLSchema;
  readonly authenticate: Authenticate;
  readonly revocations: RevocationRegistry;
  readonly audit: AuditTrail;
  readonly validationRules: NonNullable<Parameters<typeof validate>[2]>;
  readonly lifecycle: Lifecycle;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** TRUSTED_DOCUMENTS when not off: a subscribe message is resolved (and refused) as an HTTP request is. */
  readonly trustedDocuments?: ResolveOptions;
  /** The permission map and what its decisions read, as the HTTP path's shield rules have them. */
  readonly permissions: PermissionMap;
  readonly access: AccessFacts;
  /** The HTTP path's error formatter: the same masking, suggestions hidden, internals kept out. */
  readonly formatError: ErrorFormatter;
  readonly clock?: () => number;
}

/**
 * The open sockets and the subscriptions running on them, counted when metrics are scraped rather than per
 * message: each socket's own graphql-ws map says which run (null while one is being prepared).
 */
function openCounts(connections: ReadonlyMap<WebSocket, Connection>) {
  let subscriptions = 0;
  for (const { subscriptions: running } of connections.values()) {
    for (const id in running) if (running[id] != null) subscriptions += 1;
  }
  return { sockets: connections.size, subscriptions };
}

/** Reads `Authorization` (or `authorization`) from a connection_init payload; anything else is no header. */
function authorizationOf(params: Readonly<Record<string, unknown>> | undefined): unknown {
  return params?.Authorization ?? params?.authorization;
}

/**
 * GraphQL subscriptions over WebSocket (the graphql-transport-ws protocol of graphql-ws, which Apollo
 * Client, Apollo Kotlin and Apollo iOS speak) on the HTTP server's port and path. The token travels in
 * `connection_init` and is verified by the same authenticator, with the same reasons and revocations, as
 * HTTP; a socket is closed when its token expires or is revoked, on whichever instance that happened.
 * @returns what closes every socket (1001) at shutdown
 */
export function attachSubscriptions(
  app: FastifyInstance,
  config: Pick<Config, 'subscriptions' | 'graphql' | 'server'>,
  deps: SubscriptionServerDependencies,
): { close(): Promise<void> } {
  const settings = config.subscriptions;
  const clock = deps.clock ?? Date.now;
  const trust = trustProxyFunction(config.server.trustProxy);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: settings.maxMessageBytes,
    // graphql-ws speaks only graphql-transport-ws, so a legacy subscriptions-transport-ws client (protocol
    // "graphql-ws") would fail its handshake with nothing to say why. Its protocol is accepted for the
    // moment it takes graphql-ws to close the socket with 4406 "Subprotocol not acceptable".
    handleProtocols: (protocols) =>
      handleProtocols(protocols) ||
      (protocols.has(DEPRECATED_GRAPHQL_WS_PROTOCOL) ? DEPRECATED_GRAPHQL_WS_PROTOCOL : false),
  });
  const connections = new Map<WebSocket, Connection>();
  const { documentCacheBytes } = config.graphql;
  const documents =
    documentCacheBytes > 0
      ? new LRUCache<string, DocumentNode>({ maxSize: documentCacheBytes, sizeCalculation: documentBytes })
      : undefined;
  const connectionOf = (socket: WebSocket) => connections.get(socket)!;
  const perAddress = new Map<string, number>();
  const perUser = new Map<string, number>();

  const count = (counts: Map<string, number>, key: string, delta: number) => {
    const next = (counts.get(key) ?? 0) + delta;
    if (next > 0) counts.set(key, next);
    else counts.delete(key);
  };
  const closeWith = (connection: Connection, code: number, reason: string) => {
    if (connection.socket.readyState === WebSocket.OPEN) connection.socket.close(code, reason);
  };
  const unauthorized = (connection: Connection, reason: AuthFailureReason) =>
    closeWith(connection, CLOSE.unauthorized, reason);

  // Sockets close when their token's exp passes (clients reconnect with a fresh token).
  const sweep = setInterval(() => {
    const now = clock();
    for (const connection of connections.values()) {
      if (connection.expiresAt !== undefined && connection.expiresAt <= now) {
        connection.expiresAt = undefined;
        unauthorized(connection, 'TOKEN_EXPIRED');
      }
    }
  }, EXPIRY_SWEEP_MS).unref();

  // A revocation made anywhere reaches this registry within a second; the sockets it ends close with it.
  const stopHearing = deps.revocations.listen(() => {
    for (const connection of connections.values()) {
      const { identity } = connection;
      if (identity.authenticated && deps.revocations.revokes(identity))
        unauthorized(connection, 'TOKEN_REVOKED');
    }
  });

  deps.metrics.watchSubscriptions(() => openCounts(connections));
  const gate: SubscriptionGate = {
    schema: deps.schema,
    permissions: deps.permissions,
    facts: deps.access,
    onDenied: (field) => deps.metrics.accessDenied(field),
  };
  const server = makeServer<Record<string, unknown>, { socket: WebSocket; request: IncomingMessage }>({
    schema: deps.schema,
    connectionInitWaitTimeout: settings.connectionInitTimeoutMs,
    onConnect: async (ctx) => {
      const connection = connectionOf(ctx.extra.socket);
      let identity: Identity;
      try {
        const header = authorizationOf(ctx.connectionParams);
        identity = await deps.authenticate(typeof header === 'string' || header === undefined ? header : '');
      } catch (error) {
        if (!(error instanceof AuthError)) throw error;
        deps.metrics.authFailure(error.reason);
        deps.log.info(
          { ws: true, auth: { reason: error.reason, check: error.detail } },
          'credential refused',
        );
        unauthorized(connection, error.reason);
        return false;
      }
      // The client may have gone while its token was checked: nothing to count or follow then.
      if (connection.socket.readyState !== WebSocket.OPEN) return false;
      if (identity.authenticated) {
        const userKey = `${identity.issuer}\n${identity.subject}`;
        if ((perUser.get(userKey) ?? 0) >= settings.maxSocketsPerUser) {
          closeWith(connection, CLOSE.tooMany, 'TOO_MANY_SOCKETS_FOR_USER');
          return false;
        }
        count(perUser, userKey, 1);
        connection.userKey = userKey;
        connection.expiresAt = identity.expiresAt.getTime();
      }
      connection.identity = identity;
      connection.subscriptions = ctx.subscriptions;
      return true;
    },
    onSubscribe: async (ctx, _id, payload) => {
      const connection = connectionOf(ctx.extra.socket);
      if (Object.keys(ctx.subscriptions).length > settings.maxSubscriptionsPerSocket) {
        const limit = settings.maxSubscriptionsPerSocket;
        return [
          toGraphQLError(
            new QueryLimitError('subscriptions', `A socket may hold at most ${limit} subscriptions.`),
          ),
        ];
      }
      const trusted = deps.trustedDocuments && trustedPayload(payload, deps.trustedDocuments);
      if (Array.isArray(trusted)) return trusted;
      const prepared = prepare(trusted ?? payload, deps, config.graphql.maxTokens, documents);
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
        schema: deps.schema,
        contextValue,
        rootValue: connection.root,
      } satisfies ExecutionArgs;
    },
    onNext: (ctx, _id, _payload, _args, result) => {
      // ws buffers whatever cannot be written yet; a client that stops reading is cut off, not fed.
      const connection = connectionOf(ctx.extra.socket);
      if (connection.socket.bufferedAmount > settings.maxBufferedBytes) {
        closeWith(connection, CLOSE.slowConsumer, 'SLOW_CONSUMER');
      }
      if (!result.errors) return undefined;
      return { ...result, errors: formatErrors(result.errors, deps.formatError, deps.log) };
    },
    onError: (_ctx, _id, _payload, errors) => formatErrors(errors, deps.formatError, deps.log),
  });

  // One heartbeat for every socket (a timer per socket costs memory and connect time: bench:sockets): a
  // socket that did not answer the last ping is dropped, the others are pinged again.
  const heartbeat = setInterval(() => {
    for (const connection of connections.values()) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }, settings.keepAliveMs).unref();

  const register = (socket: WebSocket, request: IncomingMessage, address: string) => {
    const connection: Connection = {
      socket,
      address,
      requestId: randomUUID(),
      client: { ip: address, userAgent: request.headers['user-agent'] },
      root: {
        events: (accept) =>
          auditEventStream(deps.audit, accept, EVENT_QUEUE_CAPACITY, () =>
            closeWith(connection, CLOSE.slowConsumer, 'SLOW_CONSUMER'),
          ),
      },
      identity: ANONYMOUS,
      userKey: undefined,
      expiresAt: undefined,
      alive: true,
      subscriptions: undefined,
    };
    connections.set(socket, connection);
    count(perAddress, address, 1);
    // A protocol error (a message over WS_MAX_MESSAGE_BYTES, a bad frame) is the client's: ws closes the
    // socket itself (1009, 1002), and the log says so at info, without a stack.
    socket.on('error', (error) =>
      deps.log.info(
        { ws: true, reqId: connection.requestId, err: { message: error.message } },
        'websocket closed on a protocol error',
      ),
    );
    socket.on('pong', () => (connection.alive = true));
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== WebSocket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data: Buffer) => {
            handle(data.toString()).catch((error: unknown) => {
              deps.log.error({ ws: true, reqId: connection.requestId, err: error }, 'unexpected error');
              closeWith(connection, CLOSE.internal, 'Internal server error');
            });
          }),
      },
      { socket, request },
    );
    socket.once('close', (code, reason) => {
      connections.delete(socket);
      count(perAddress, address, -1);
      if (connection.userKey) count(perUser, connection.userKey, -1);
      void closed(code, reason.toString());
    });
  };

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/graphql' || deps.lifecycle.draining) {
      socket.end(
        `HTTP/1.1 ${deps.lifecycle.draining ? '503 Service Unavailable' : '404 Not Found'}\r\nConnection: close\r\n\r\n`,
      );
      return;
    }
    const address = proxyaddr(request, trust);
    if ((perAddress.get(address) ?? 0) >= settings.maxSocketsPerAddress) {
      socket.end('HTTP/1.1 429 Too Many Requests\r\nRetry-After: 5\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => register(ws, request, address));
  };
  app.server.on('upgrade', onUpgrade);

  return {
    async close() {
      clearInterval(sweep);
      stopHearing();
      clearInterval(heartbeat);
      app.server.off('upgrade', onUpgrade);
      for (const connection of connections.values()) closeWith(connection, CLOSE.goingAway, 'Going away');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

import { type IncomingMessage } from 'node:http';
import { type Duplex } from 'node:stream';
import { type FastifyInstance } from 'fastify';
import { DEPRECATED_GRAPHQL_WS_PROTOCOL, handleProtocols, type Server } from 'graphql-ws';
import { type Logger } from 'pino';
import proxyaddr from 'proxy-addr';
import { WebSocket, WebSocketServer } from 'ws';
import { type AuditTrail } from '../audit/audit-trail';
import { type RevocationRegistry } from '../auth/revocation-registry';
import { type Config } from '../config';
import { type Lifecycle } from '../server/lifecycle';
import { trustProxyFunction } from '../server/trust-proxy';
import { CLOSE, type Connection, ConnectionRegistry } from './connections';
import { type SocketExtra, subscriptionServer, type SubscriptionPipeline } from './subscription-server';

export { CLOSE } from './connections';

export interface SubscriptionServerDependencies extends SubscriptionPipeline {
  readonly revocationRegistry: RevocationRegistry;
  readonly audit: AuditTrail;
  readonly lifecycle: Lifecycle;
  readonly clock?: () => number;
}

/**
 * graphql-ws's protocol over one `ws` socket: what it sends, how it closes, the messages it hands over. A
 * message whose handling fails in a way of ours closes the socket (4500), logged with its request id.
 */
function speak(
  server: Server<SocketExtra>,
  connection: Connection,
  request: IncomingMessage,
  registry: ConnectionRegistry,
  log: Logger,
): void {
  const { socket } = connection;
  // A protocol error (a message over WS_MAX_MESSAGE_BYTES, a bad frame) is the client's: ws closes the
  // socket itself (1009, 1002), and the log says so at info, without a stack.
  socket.on('error', (error) =>
    log.info(
      { ws: true, reqId: connection.requestId, err: { message: error.message } },
      'websocket closed on a protocol error',
    ),
  );
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
            log.error({ ws: true, reqId: connection.requestId, err: error }, 'unexpected error');
            registry.closeWith(connection, CLOSE.internal, 'Internal server error');
          });
        }),
    },
    { socket, request },
  );
  socket.once('close', (code, reason) => {
    registry.closed(connection);
    void closed(code, reason.toString());
  });
}

/**
 * Which upgrade requests become sockets: on /graphql only (404 elsewhere), none while the server drains
 * (503), and within WS_MAX_SOCKETS_PER_ADDRESS per client address as TRUST_PROXY resolves it (429).
 */
function admission(
  config: Pick<Config, 'server'>,
  registry: ConnectionRegistry,
  lifecycle: Lifecycle,
  upgrade: (request: IncomingMessage, socket: Duplex, head: Buffer, address: string) => void,
) {
  const trust = trustProxyFunction(config.server.trustProxy);
  return (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/graphql' || lifecycle.draining) {
      const status = lifecycle.draining ? '503 Service Unavailable' : '404 Not Found';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
      return;
    }
    const address = proxyaddr(request, trust);
    if (!registry.admits(address)) {
      socket.end('HTTP/1.1 429 Too Many Requests\r\nRetry-After: 5\r\nConnection: close\r\n\r\n');
      return;
    }
    upgrade(request, socket, head, address);
  };
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
  const registry = new ConnectionRegistry(settings, deps.audit);
  registry.follow(deps.revocationRegistry, deps.clock ?? Date.now);
  deps.metrics.watchSubscriptions(() => registry.counts());
  const server = subscriptionServer(deps, registry, config);
  const onUpgrade = admission(config, registry, deps.lifecycle, (request, socket, head, address) =>
    wss.handleUpgrade(request, socket, head, (ws) =>
      speak(server, registry.open(ws, request, address), request, registry, deps.log),
    ),
  );
  app.server.on('upgrade', onUpgrade);
  return {
    async close() {
      app.server.off('upgrade', onUpgrade);
      registry.closeAll();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

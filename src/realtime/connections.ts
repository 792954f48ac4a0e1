import { randomUUID } from 'node:crypto';
import { type IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { type AuditTrail } from '../audit/audit-trail';
import { ANONYMOUS, type AuthenticatedIdentity, type Identity } from '../auth/identity';
import { type RevocationRegistry } from '../auth/revocation-registry';
import { type Config } from '../config';
import { type AuthFailureReason } from '../errors';
import { type LiveRoot } from '../graphql/events.resolver';
import { type ClientInfo } from '../request-context';
import { auditEventStream } from './event-stream';

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

/** One open socket: who it is (once connection_init said so) and what it runs. */
export interface Connection {
  readonly socket: WebSocket;
  readonly address: string;
  /** In the log lines of its subscriptions: one id per socket. */
  readonly requestId: string;
  readonly client: ClientInfo;
  /** What its subscriptions run against: committed audit events, as a bounded stream. */
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

function count(counts: Map<string, number>, key: string, delta: number): void {
  const next = (counts.get(key) ?? 0) + delta;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}

/**
 * The open sockets: counted per client address and per user within their limits, and followed for as long
 * as they are open. One expiry sweep, one revocation listener and one heartbeat serve them all (a timer per
 * socket costs memory and connect time: bench:sockets).
 */
export class ConnectionRegistry {
  private readonly connections = new Map<WebSocket, Connection>();
  private readonly perAddress = new Map<string, number>();
  private readonly perUser = new Map<string, number>();
  private readonly stops: Array<() => void> = [];

  constructor(
    private readonly settings: Config['subscriptions'],
    private readonly audit: AuditTrail,
  ) {}

  /** Whether one more socket from `address` is within WS_MAX_SOCKETS_PER_ADDRESS. */
  admits(address: string): boolean {
    return (this.perAddress.get(address) ?? 0) < this.settings.maxSocketsPerAddress;
  }

  /** Registers a socket just upgraded, anonymous until its connection_init. */
  open(socket: WebSocket, request: IncomingMessage, address: string): Connection {
    const connection: Connection = {
      socket,
      address,
      requestId: randomUUID(),
      client: { ip: address, userAgent: request.headers['user-agent'] },
      root: {
        events: (accept) =>
          auditEventStream(this.audit, accept, EVENT_QUEUE_CAPACITY, () =>
            this.closeWith(connection, CLOSE.slowConsumer, 'SLOW_CONSUMER'),
          ),
      },
      identity: ANONYMOUS,
      userKey: undefined,
      expiresAt: undefined,
      alive: true,
      subscriptions: undefined,
    };
    socket.on('pong', () => (connection.alive = true));
    this.connections.set(socket, connection);
    count(this.perAddress, address, 1);
    return connection;
  }

  /** The connection of a socket this registry opened. */
  of(socket: WebSocket): Connection {
    return this.connections.get(socket)!;
  }

  /**
   * Gives the connection its verified identity, if its user is within WS_MAX_SOCKETS_PER_USER.
   * @returns false when the user has too many sockets already (the caller closes this one)
   */
  identify(connection: Connection, identity: AuthenticatedIdentity): boolean {
    const userKey = `${identity.issuer}\n${identity.subject}`;
    if ((this.perUser.get(userKey) ?? 0) >= this.settings.maxSocketsPerUser) return false;
    count(this.perUser, userKey, 1);
    connection.userKey = userKey;
    connection.expiresAt = identity.expiresAt.getTime();
    connection.identity = identity;
    return true;
  }

  /** Forgets a closed socket and gives back its places in the counts. */
  closed(connection: Connection): void {
    this.connections.delete(connection.socket);
    count(this.perAddress, connection.address, -1);
    if (connection.userKey) count(this.perUser, connection.userKey, -1);
  }

  closeWith(connection: Connection, code: number, reason: string): void {
    if (connection.socket.readyState === WebSocket.OPEN) connection.socket.close(code, reason);
  }

  unauthorized(connection: Connection, reason: AuthFailureReason): void {
    this.closeWith(connection, CLOSE.unauthorized, reason);
  }

  /** The open sockets and the subscriptions running on them (a socket's own graphql-ws map says which). */
  counts(): { sockets: number; subscriptions: number } {
    let subscriptions = 0;
    for (const { subscriptions: running } of this.connections.values()) {
      for (const id in running) if (running[id] != null) subscriptions += 1;
    }
    return { sockets: this.connections.size, subscriptions };
  }

  /**
   * Starts following the sockets: each closes (4401) when its token's `exp` passes or a revocation made on
   * any instance reaches `revocations`; one that misses a heartbeat is dropped.
   */
  follow(revocations: RevocationRegistry, clock: () => number): void {
    const sweep = setInterval(() => {
      const now = clock();
      for (const connection of this.connections.values()) {
        if (connection.expiresAt !== undefined && connection.expiresAt <= now) {
          connection.expiresAt = undefined;
          this.unauthorized(connection, 'TOKEN_EXPIRED');
        }
      }
    }, EXPIRY_SWEEP_MS).unref();
    const stopHearing = revocations.listen(() => {
      for (const connection of this.connections.values()) {
        const { identity } = connection;
        if (identity.authenticated && revocations.revokes(identity))
          this.unauthorized(connection, 'TOKEN_REVOKED');
      }
    });
    const heartbeat = setInterval(() => {
      for (const connection of this.connections.values()) {
        if (!connection.alive) {
          connection.socket.terminate();
          continue;
        }
        connection.alive = false;
        connection.socket.ping();
      }
    }, this.settings.keepAliveMs).unref();
    this.stops.push(
      () => clearInterval(sweep),
      stopHearing,
      () => clearInterval(heartbeat),
    );
  }

  /** Stops following and closes every socket (1001), as the server shuts down. */
  closeAll(): void {
    for (const stop of this.stops.splice(0)) stop();
    for (const connection of this.connections.values())
      this.closeWith(connection, CLOSE.goingAway, 'Going away');
  }
}

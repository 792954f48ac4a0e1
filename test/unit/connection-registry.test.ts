import { once } from 'node:events';
import { type IncomingMessage } from 'node:http';
import { type AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { AuditTrail } from '../../src/audit/audit-trail';
import { RevocationRegistry } from '../../src/auth/revocation-registry';
import { type Config } from '../../src/config';
import { CLOSE, ConnectionRegistry } from '../../src/realtime/connections';
import { testIdentity } from '../fixtures/identity';

// The registry over real sockets: a ws server on port 0 and clients connecting to it.
const SETTINGS = {
  maxSocketsPerAddress: 2,
  maxSocketsPerUser: 1,
  keepAliveMs: 200,
} as Config['subscriptions'];

let server: WebSocketServer;
let url: string;
const accepted: Array<{ socket: WebSocket; request: IncomingMessage }> = [];
const clients: WebSocket[] = [];

beforeAll(async () => {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  server.on('connection', (socket, request) => accepted.push({ socket, request }));
  await once(server, 'listening');
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  for (const client of clients.splice(0)) client.terminate();
  accepted.length = 0;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** A client connected, and the server's side of its socket. */
async function connect(options: { autoPong?: boolean } = {}) {
  const client = new WebSocket(url, { headers: { 'user-agent': 'unit/1' }, ...options });
  clients.push(client);
  await once(client, 'open');
  const deadline = Date.now() + 2000;
  while (accepted.length < clients.length && Date.now() < deadline) await new Promise((r) => setImmediate(r));
  const { socket, request } = accepted[accepted.length - 1]!;
  return { client, socket, request };
}

/** The close code and reason the client receives. */
const closeOf = async (client: WebSocket) => {
  const [code, reason] = (await once(client, 'close')) as [number, Buffer];
  return { code, reason: reason.toString() };
};

describe('ConnectionRegistry', () => {
  it('admits WS_MAX_SOCKETS_PER_ADDRESS sockets from one address, and one more once one closes', async () => {
    const registry = new ConnectionRegistry(SETTINGS, new AuditTrail());
    const first = await connect();
    const second = await connect();
    const a = registry.open(first.socket, first.request, '10.0.0.1');
    expect(registry.admits('10.0.0.1')).toBe(true);
    registry.open(second.socket, second.request, '10.0.0.1');
    expect(registry.admits('10.0.0.1')).toBe(false);
    expect(registry.admits('10.0.0.2')).toBe(true);
    registry.closed(a);
    expect(registry.admits('10.0.0.1')).toBe(true);
    expect(registry.counts()).toEqual({ sockets: 1, subscriptions: 0 });
  });

  it('keeps the client facts of the upgrade and gives each socket its own request id', async () => {
    const registry = new ConnectionRegistry(SETTINGS, new AuditTrail());
    const one = await connect();
    const two = await connect();
    const a = registry.open(one.socket, one.request, '10.0.0.1');
    const b = registry.open(two.socket, two.request, '10.0.0.1');
    expect(a.client).toEqual({ ip: '10.0.0.1', userAgent: 'unit/1' });
    expect(a.identity.authenticated).toBe(false);
    expect(a.requestId).not.toBe(b.requestId);
    expect(registry.of(two.socket)).toBe(b);
  });

  it('identifies up to WS_MAX_SOCKETS_PER_USER sockets per user, counting issuer and subject together', async () => {
    const registry = new ConnectionRegistry(SETTINGS, new AuditTrail());
    const [one, two, three] = [await connect(), await connect(), await connect()];
    const a = registry.open(one.socket, one.request, '10.0.0.1');
    const b = registry.open(two.socket, two.request, '10.0.0.2');
    const c = registry.open(three.socket, three.request, '10.0.0.3');
    expect(registry.identify(a, testIdentity([]))).toBe(true);
    expect(registry.identify(b, testIdentity([]))).toBe(false);
    expect(b.identity.authenticated).toBe(false);
    // The same subject at another issuer is another user.
    expect(registry.identify(c, testIdentity([], { issuer: 'https://idp.example' }))).toBe(true);
    registry.closed(a);
    expect(registry.identify(b, testIdentity([]))).toBe(true);
  });

  it('closes a socket with 4401 TOKEN_EXPIRED once its exp passes, and not before', async () => {
    const registry = new ConnectionRegistry(SETTINGS, new AuditTrail());
    let now = 1_000_000;
    const expiring = await connect();
    const lasting = await connect();
    const a = registry.open(expiring.socket, expiring.request, '10.0.0.1');
    const b = registry.open(lasting.socket, lasting.request, '10.0.0.2');
    registry.identify(a, testIdentity([], { subject: 'u-1', expiresAt: new Date(now + 1000) }));
    registry.identify(b, testIdentity([], { subject: 'u-2', expiresAt: new Date(now + 60_000) }));
    registry.follow(new RevocationRegistry(60_000), () => now);
    now += 1000;
    try {
      expect(await closeOf(expiring.client)).toEqual({ code: CLOSE.unauthorized, reason: 'TOKEN_EXPIRED' });
      expect(lasting.client.readyState).toBe(WebSocket.OPEN);
    } finally {
      registry.closeAll();
    }
  });

  it('closes the sockets of a revoked session with 4401 TOKEN_REVOKED, and only those', async () => {
    const registry = new ConnectionRegistry(SETTINGS, new AuditTrail());
    const revocations = new RevocationRegistry(60_000);
    const ended = await connect();
    const other = await connect();
    const a = registry.open(ended.socket, ended.request, '10.0.0.1');
    const b = registry.open(other.socket, other.request, '10.0.0.2');
    const expiresAt = new Date(Date.now() + 60_000);
    registry.identify(a, testIdentity([], { subject: 'u-1', sessionId: 's-1', expiresAt }));
    registry.identify(b, testIdentity([], { subject: 'u-2', sessionId: 's-2', expiresAt }));
    registry.follow(revocations, Date.now);
    const closing = closeOf(ended.client);
    revocations.add([{ kind: 'session', key: 's-1', at: Date.now() }]);
    try {
      expect(await closing).toEqual({ code: CLOSE.unauthorized, reason: 'TOKEN_REVOKED' });
      expect(other.client.readyState).toBe(WebSocket.OPEN);
    } finally {
      registry.closeAll();
    }
  });

  it('drops a socket that does not answer the heartbeat, and keeps one that does', async () => {
    const registry = new ConnectionRegistry(SETTINGS, new AuditTrail());
    const silent = await connect({ autoPong: false });
    const answering = await connect();
    registry.open(silent.socket, silent.request, '10.0.0.1');
    registry.open(answering.socket, answering.request, '10.0.0.2');
    registry.follow(new RevocationRegistry(60_000), Date.now);
    try {
      // Terminated, not closed: the client sees an abnormal closure (1006).
      expect((await closeOf(silent.client)).code).toBe(1006);
      expect(answering.client.readyState).toBe(WebSocket.OPEN);
    } finally {
      registry.closeAll();
    }
  });

  it('closes every socket with 1001 and stops following them on closeAll', async () => {
    const registry = new ConnectionRegistry(SETTINGS, new AuditTrail());
    const revocations = new RevocationRegistry(60_000);
    const { client, socket, request } = await connect();
    const connection = registry.open(socket, request, '10.0.0.1');
    registry.identify(
      connection,
      testIdentity([], { sessionId: 's-1', expiresAt: new Date(Date.now() + 60_000) }),
    );
    registry.follow(revocations, Date.now);
    const closing = closeOf(client);
    registry.closeAll();
    expect(await closing).toEqual({ code: CLOSE.goingAway, reason: 'Going away' });
    // No listener is left on the revocation registry to act on a closed registry's sockets.
    expect(() => revocations.add([{ kind: 'session', key: 's-1', at: Date.now() }])).not.toThrow();
  });
});

import { once } from 'node:events';
import { connect } from 'node:net';
import { startTestServer } from '../helpers/server';

// Node checks its header and request timeouts only every connectionsCheckingInterval (30 s by default):
// a 10 s HTTP_HEADERS_TIMEOUT fired 34 s after a client stopped sending. The server checks every second.
describe('slow clients over a real socket', () => {
  it('starts with the longest timeouts the configuration allows (600 s each)', async () => {
    // A header timeout above Node's default request timeout (300 s) once made the server fail to start.
    const server = await startTestServer({
      env: { HTTP_HEADERS_TIMEOUT: '600s', HTTP_REQUEST_TIMEOUT: '600s' },
    });
    try {
      const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
      expect((await fetch(`${address}/healthz`)).status).toBe(200);
      expect(server.app.server.requestTimeout).toBe(600_000);
      expect(server.app.server.headersTimeout).toBe(600_000);
    } finally {
      await server.close();
    }
  });

  it('answers 408 and closes within a second of HTTP_HEADERS_TIMEOUT when the headers never end', async () => {
    const server = await startTestServer({
      env: { HTTP_HEADERS_TIMEOUT: '2s', HTTP_REQUEST_TIMEOUT: '10s' },
    });
    try {
      const { port } = new URL(await server.app.listen({ host: '127.0.0.1', port: 0 }));
      const socket = connect(Number(port), '127.0.0.1');
      await once(socket, 'connect');
      let reply = '';
      socket.on('data', (chunk: Buffer) => (reply += chunk.toString()));
      const started = performance.now();
      socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      await once(socket, 'close');
      const seconds = (performance.now() - started) / 1000;
      expect(reply).toMatch(/^HTTP\/1\.1 408/);
      expect(seconds).toBeGreaterThanOrEqual(1.9);
      expect(seconds).toBeLessThan(3.5);
    } finally {
      await server.close();
    }
  });
});

import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

export type JwksResponder = () => {
  status?: number;
  body: string;
  headers?: Record<string, string>;
  delayMs?: number;
};

/**
 * A stand-in identity provider on a loopback port: it serves whatever the test says its JWKS is (keys,
 * garbage, an HTML error page, a slow answer) and counts requests.
 */
export interface JwksServer {
  readonly url: string;
  readonly requests: () => number;
  respond(responder: JwksResponder): void;
  close(): Promise<void>;
}

export async function startJwksServer(initial: JwksResponder): Promise<JwksServer> {
  let responder = initial;
  let requests = 0;
  const server: Server = createServer((_request, response) => {
    requests += 1;
    const { status = 200, body, headers = { 'content-type': 'application/json' }, delayMs = 0 } = responder();
    const timer = setTimeout(() => {
      if (response.destroyed) return;
      response.writeHead(status, headers);
      response.end(body);
    }, delayMs);
    response.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    requests: () => requests,
    respond: (next) => {
      responder = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

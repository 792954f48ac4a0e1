import { type Server } from 'node:http';

/** What a client that reached a closing server is told to wait before trying again. */
const RETRY_AFTER_SECONDS = '5';

/**
 * The server's shutdown state, driven by src/index.ts on SIGTERM (the Kubernetes termination sequence):
 *  1. draining: /readyz answers 503 so the load balancer stops routing here, every request is still served,
 *     and every response carries `Connection: close`, so kept-alive clients reconnect elsewhere instead of
 *     reusing a connection the server will close under them (the reset a client cannot interpret);
 *  2. closing: the listener is closed and in-flight requests finish; a request that still arrives on an open
 *     connection gets fastify's 503 with `Retry-After`.
 * Nothing of this runs on a request until SIGTERM: the listener that sets the headers is added then.
 */
export class Lifecycle {
  private state: 'serving' | 'draining' | 'closing' = 'serving';

  get draining(): boolean {
    return this.state !== 'serving';
  }

  /** From now on, every response asks its client to close the connection. */
  startDraining(server: Server): void {
    if (this.state !== 'serving') return;
    this.state = 'draining';
    // Prepended, so the headers are set before fastify's handler writes a response (its 503 included).
    server.prependListener('request', (_request, response) => {
      response.setHeader('connection', 'close');
      if (this.state === 'closing') response.setHeader('retry-after', RETRY_AFTER_SECONDS);
    });
  }

  /** The listener is about to close: requests that still arrive get 503 with Retry-After. */
  startClosing(): void {
    this.state = 'closing';
  }
}

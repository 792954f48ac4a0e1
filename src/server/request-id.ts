import { randomUUID } from 'node:crypto';
import { type IncomingMessage } from 'node:http';

/** What a client's own request id may look like: short, and nothing that could forge a log line. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * The request's id: the client's `X-Request-Id` when it is well formed (so a client's report and its
 * proxies' logs name the same request), a new UUID otherwise. It is in the request's log line, in the
 * `X-Request-Id` response header and in masked errors.
 */
export function requestIdOf(request: IncomingMessage): string {
  const sent = request.headers[REQUEST_ID_HEADER];
  return typeof sent === 'string' && CLIENT_REQUEST_ID.test(sent) ? sent : randomUUID();
}

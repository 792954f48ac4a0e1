import proxyaddr from 'proxy-addr';
import { type Config } from '../config';

/**
 * TRUST_PROXY as the function fastify and the WebSocket upgrade both ask: may the address `hop` steps back
 * from the socket be believed about the client? A hop count trusts that many hops back: fastify takes a
 * bare number as "trust nothing", since a client that reaches the API directly can write any
 * X-Forwarded-For (docs/configuration.md says to give a count only when the proxies are the only way in).
 */
export function trustProxyFunction(
  trust: Config['server']['trustProxy'],
): (address: string, hop: number) => boolean {
  if (trust === true) return () => true;
  if (trust === false) return () => false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return proxyaddr.compile([...trust]);
}

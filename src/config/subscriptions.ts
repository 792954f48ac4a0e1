import { count, duration, type EnvReader } from './env-reader';

export interface SubscriptionsConfig {
  /** A socket that sends no `connection_init` within this is closed (4408). */
  readonly connectionInitTimeoutMs: number;
  /** Pings a socket this often; one that does not answer within the same time is dropped. */
  readonly keepAliveMs: number;
  readonly maxSubscriptionsPerSocket: number;
  /** Open sockets of one identity (issuer and subject), across its tokens. */
  readonly maxSocketsPerUser: number;
  readonly maxSocketsPerAddress: number;
  /** A client message larger than this closes its socket (1009). */
  readonly maxMessageBytes: number;
  /** A socket whose unsent data passes this is a slow consumer and is closed (1013), not buffered. */
  readonly maxBufferedBytes: number;
}

/** WS_CONNECTION_INIT_TIMEOUT, WS_KEEPALIVE, WS_MAX_*. */
export function readSubscriptions(env: EnvReader): SubscriptionsConfig {
  return {
    connectionInitTimeoutMs: env.read('WS_CONNECTION_INIT_TIMEOUT', duration(60), 3) * 1000,
    keepAliveMs: env.read('WS_KEEPALIVE', duration(300), 12) * 1000,
    maxSubscriptionsPerSocket: env.read('WS_MAX_SUBSCRIPTIONS_PER_SOCKET', count(1, 1000), 10),
    maxSocketsPerUser: env.read('WS_MAX_SOCKETS_PER_USER', count(1, 10_000), 10),
    maxSocketsPerAddress: env.read('WS_MAX_SOCKETS_PER_ADDRESS', count(1, 1_000_000), 100),
    maxMessageBytes: env.read('WS_MAX_MESSAGE_BYTES', count(1024, 16 * 1024 * 1024), 64 * 1024),
    maxBufferedBytes: env.read('WS_MAX_BUFFERED_BYTES', count(1024, 256 * 1024 * 1024), 1024 * 1024),
  };
}

import { isIP } from 'node:net';
import { z } from 'zod';
import { commaList, count, duration, type EnvReader, nonEmpty } from './env-reader';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly logLevel: LogLevel;
  /**
   * After SIGTERM, how long the server keeps serving (with /readyz at 503) so the load balancer can stop
   * routing to it before the listener closes.
   */
  readonly shutdownDelayMs: number;
  /** Then, how long shutdown waits for in-flight requests before giving up (exit 1). */
  readonly shutdownTimeoutMs: number;
  /**
   * fastify's trustProxy: false; the number of proxies in front (the client is the address that many hops
   * back in X-Forwarded-For); the proxies' addresses/CIDRs; or true, which believes the left-most address,
   * one any client can write.
   */
  readonly trustProxy: boolean | number | readonly string[];
  /**
   * Where clients reach this API (scheme, host and any path prefix, no trailing slash): the base of the
   * absolute URLs in the discovery document. Never taken from a request's Host header, which a client writes.
   */
  readonly publicUrl: string | undefined;
}

export interface HttpConfig {
  /** Largest request body accepted, in bytes; larger ones get 413 before any parsing. */
  readonly bodyLimitBytes: number;
  /** A request (headers and body) must arrive within this; slow clients are cut off. */
  readonly requestTimeoutMs: number;
  /** The request headers must arrive within this. */
  readonly headersTimeoutMs: number;
  /** Origins allowed by CORS; `true` allows any (the development default), empty allows none. */
  readonly corsOrigins: true | readonly string[];
}

/** HOST, PORT, LOG_LEVEL, SHUTDOWN_DELAY, SHUTDOWN_TIMEOUT, TRUST_PROXY, PUBLIC_URL. */
export function readServer(env: EnvReader, production: boolean): ServerConfig {
  return {
    host: env.read('HOST', nonEmpty, production ? '0.0.0.0' : 'localhost'),
    port: env.read('PORT', z.coerce.number().int().min(0).max(65535), 4000),
    logLevel: env.read<LogLevel>('LOG_LEVEL', z.enum(LOG_LEVELS), 'info'),
    shutdownDelayMs: env.read('SHUTDOWN_DELAY', duration(300), production ? 5 : 0) * 1000,
    shutdownTimeoutMs: env.read('SHUTDOWN_TIMEOUT', duration(600), 10) * 1000,
    trustProxy: readTrustProxy(env, production),
    publicUrl: readPublicUrl(env),
  };
}

function readPublicUrl(env: EnvReader): string | undefined {
  const url = env.read<string | undefined>('PUBLIC_URL', z.url({ protocol: /^https?$/ }), undefined);
  return url?.replace(/\/+$/, '');
}

/** The names and forms fastify's trustProxy (proxy-addr) accepts; anything else fails at startup there. */
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address = '', range, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (range === undefined) return true;
  if (/^\d{1,3}$/.test(range)) return Number(range) <= (family === 4 ? 32 : 128);
  return family === 4 && isIP(range) === 4;
}

function readTrustProxy(env: EnvReader, production: boolean): ServerConfig['trustProxy'] {
  const trustProxy = env.read<boolean | number | string[]>(
    'TRUST_PROXY',
    z.string().transform((value) => {
      if (value === 'true' || value === 'false') return value === 'true';
      return /^\d{1,2}$/.test(value.trim()) ? Number(value) : commaList(value);
    }),
    false,
  );
  const invalid = Array.isArray(trustProxy) ? trustProxy.filter((entry) => !isProxyAddress(entry)) : [];
  if (invalid.length > 0) {
    env.problem(`TRUST_PROXY: not an address, CIDR, hop count, true or false: ${invalid.join(', ')}`);
    return false;
  }
  if (trustProxy === true && production) {
    env.warnings.push(
      'TRUST_PROXY=true believes the left-most X-Forwarded-For address, which any client can set: give the number of proxies in front (TRUST_PROXY=1) or their addresses',
    );
  }
  return trustProxy;
}

/** HTTP_BODY_LIMIT, HTTP_REQUEST_TIMEOUT, HTTP_HEADERS_TIMEOUT, CORS_ORIGINS. */
export function readHttp(env: EnvReader, production: boolean): HttpConfig {
  const bodyLimitBytes = env.read('HTTP_BODY_LIMIT', count(1024, 50 * 1024 * 1024), 100 * 1024);
  const requestTimeout = env.read('HTTP_REQUEST_TIMEOUT', duration(600), 30);
  const headersTimeout = env.read('HTTP_HEADERS_TIMEOUT', duration(600), 10);
  if (requestTimeout < 1) env.problem('HTTP_REQUEST_TIMEOUT: must be at least one second');
  if (headersTimeout < 1 || headersTimeout > requestTimeout) {
    env.problem('HTTP_HEADERS_TIMEOUT: must be at least one second and at most HTTP_REQUEST_TIMEOUT');
  }
  const corsOrigins = env.read<true | string[]>(
    'CORS_ORIGINS',
    z.string().transform((value) => (value.trim() === '*' ? true : commaList(value))),
    production ? [] : true,
  );
  return {
    bodyLimitBytes,
    requestTimeoutMs: requestTimeout * 1000,
    headersTimeoutMs: headersTimeout * 1000,
    corsOrigins,
  };
}

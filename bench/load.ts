import { createHash } from 'node:crypto';
import autocannon from 'autocannon';

/**
 * The request for `query`: its text, or (`byId`) only its trusted document id, the SHA-256 of the text,
 * as a client of a server with TRUSTED_DOCUMENTS sends it.
 */
export const request = (token: string, query: string, byId = false) => ({
  method: 'POST' as const,
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  body: JSON.stringify(byId ? { documentId: createHash('sha256').update(query).digest('hex') } : { query }),
});

export interface Sample {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
}

export interface LoadOptions {
  readonly connections: number;
  /** Load for this long… */
  readonly seconds?: number;
  /** …or send exactly this many requests. */
  readonly amount?: number;
  /** Send the trusted document id instead of the text. */
  readonly byId?: boolean;
}

/** autocannon against one server; an error or non-2xx answer fails the run, since it is not throughput. */
export async function load(url: string, token: string, query: string, options: LoadOptions): Promise<Sample> {
  const result = await autocannon({
    url,
    ...request(token, query, options.byId),
    connections: options.connections,
    ...(options.amount === undefined ? { duration: options.seconds } : { amount: options.amount }),
    // Under valgrind a server answers a hundred times slower than usual.
    timeout: 60,
  });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  // Answers over the whole sample, not autocannon's average of per-second buckets, which counts a partly
  // filled last second as a whole one.
  const requestsPerSecond = result['2xx'] / result.duration;
  return { requestsPerSecond, p50: result.latency.p50, p99: result.latency.p99 };
}

export const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

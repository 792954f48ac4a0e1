import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface Closed {
  readonly code: number;
  readonly reason: string;
}

/** A graphql-ws client that never retries, and the close event of its socket. */
export function connect(url: string, token?: string, params?: Record<string, unknown>) {
  let onClosed: (closed: Closed) => void = () => undefined;
  const closed = new Promise<Closed>((resolve) => (onClosed = resolve));
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    // The close is what the tests look at; the client's default would print it to the console too.
    onNonLazyError: () => undefined,
    connectionParams: params ?? (token ? { Authorization: `Bearer ${token}` } : {}),
    on: {
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        onClosed({ code, reason: String(reason) });
      },
    },
  });
  return { client, closed };
}

/** Subscribes and collects what arrives: data, or the errors that refused it. */
export function subscribe(client: Client, query: string, variables?: Record<string, unknown>) {
  const data: Array<Record<string, unknown>> = [];
  let refused: readonly unknown[] | undefined;
  let ended = false;
  const done = new Promise<void>((resolve) => {
    client.subscribe(
      { query, ...(variables && { variables }) },
      {
        next: (result) => {
          if (result.data) data.push(result.data);
          if (result.errors) refused = result.errors;
        },
        error: (error) => {
          refused = Array.isArray(error) ? error : [error];
          ended = true;
          resolve();
        },
        complete: () => {
          ended = true;
          resolve();
        },
      },
    );
  });
  return { data, done, refused: () => refused, ended: () => ended };
}

export { until } from './wait';

/**
 * The subscriptions a server is running, from its `graphql_subscriptions` gauge (counted once the
 * subscription's stream exists, so its events reach it): what a test waits for before causing one.
 */
export function runningSubscriptions(metricsText: string): number {
  const line = /^graphql_subscriptions (\d+)$/m.exec(metricsText);
  return line ? Number(line[1]) : 0;
}

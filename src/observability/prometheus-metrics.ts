import { type Pool } from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { type AuthFailureReason } from '../errors';
import { type DocumentNode } from 'graphql';
import { type ClientIdentity, ClientLabels } from './client-awareness';
import { OperationLabels } from './operation-labels';
import { type Metrics, type RequestOutcome } from './metrics';

/*
 * Loaded only when metrics are configured (bootstrap.ts): prom-client, and what it loads, stay out of a
 * process that keeps none.
 */

/** Request durations from a cached `me` (~0.1 ms) to a login's password hash and past a timeout. */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const OUTCOMES: readonly RequestOutcome[] = ['ok', 'partial', 'error'];

/**
 * The Prometheus series of one process, in a registry of its own (several servers in one test process do
 * not mix). No label carries a token, a username or a subject: reasons, fields, outcomes and issuers come
 * from fixed sets, and operation names from those no client can mint ({@link OperationLabels}).
 */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly operationNames: OperationLabels;
  private readonly clients: ClientLabels;
  private readonly requests: Histogram<'operation' | 'client_name' | 'client_version' | 'outcome'>;
  /**
   * Per operation and client label values, the three outcome series: a request then costs one map lookup,
   * not a label hash.
   */
  private readonly requestSeries = new Map<
    string,
    Record<RequestOutcome, { observe(value: number): void }>
  >();
  private readonly authFailures: Counter<'reason'>;
  private readonly accessDenials: Counter<'field'>;
  private readonly cacheHits: { inc(): void };
  private readonly cacheMisses: { inc(): void };
  private readonly logins: Counter<'outcome'>;
  private readonly reuses: Counter;
  private readonly databaseErrors: Counter;
  private readonly jwksFetches: Counter<'issuer' | 'outcome'>;

  constructor(options: { readonly operationNames: readonly string[]; readonly clients: readonly string[] }) {
    const registers = [this.registry];
    this.operationNames = new OperationLabels(options.operationNames);
    this.clients = new ClientLabels(options.clients);
    // Event-loop lag (nodejs_eventloop_lag_*), heap, GC and process CPU/memory, from prom-client.
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Histogram({
      name: 'graphql_request_duration_seconds',
      help: 'GraphQL requests answered, by operation name, client name and version, and outcome (ok, partial, error), and their duration',
      labelNames: ['operation', 'client_name', 'client_version', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.authFailures = new Counter({
      name: 'auth_failures_total',
      help: 'Requests and sockets refused for their credentials, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.accessDenials = new Counter({
      name: 'authorization_denials_total',
      help: 'Fields the permission map refused to the caller, by field',
      labelNames: ['field'],
      registers,
    });
    const cacheLookups = new Counter({
      name: 'token_cache_lookups_total',
      help: 'Verified-token cache lookups, by result (hit: no signature check)',
      labelNames: ['result'],
      registers,
    });
    this.cacheHits = cacheLookups.labels('hit');
    this.cacheMisses = cacheLookups.labels('miss');
    this.logins = new Counter({
      name: 'logins_total',
      help: 'Login attempts, by outcome (succeeded, failed, throttled)',
      labelNames: ['outcome'],
      registers,
    });
    this.reuses = new Counter({
      name: 'refresh_token_reuse_detections_total',
      help: 'Retired refresh tokens presented again after the grace period (their session was revoked)',
      registers,
    });
    this.databaseErrors = new Counter({
      name: 'database_errors_total',
      help: 'Requests that found the database unavailable, and idle connections lost',
      registers,
    });
    this.jwksFetches = new Counter({
      name: 'jwks_fetches_total',
      help: "Fetches of trusted issuers' key sets, by issuer and outcome",
      labelNames: ['issuer', 'outcome'],
      registers,
    });
    // Series that exist from the start read as 0 rather than missing, so rate() works from the first scrape.
    for (const outcome of ['succeeded', 'failed', 'throttled']) this.logins.labels(outcome);
  }

  watchPool(pool: Pool): void {
    new Gauge({
      name: 'database_pool_connections',
      help: 'PostgreSQL pool: connections by state (total, idle) and queries waiting for a connection',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
  }

  watchSubscriptions(read: () => { readonly sockets: number; readonly subscriptions: number }): void {
    new Gauge({
      name: 'websocket_connections',
      help: 'Open GraphQL WebSockets',
      registers: [this.registry],
      collect() {
        this.set(read().sockets);
      },
    });
    new Gauge({
      name: 'graphql_subscriptions',
      help: 'Subscriptions running on the open WebSockets (started: refused ones are not counted)',
      registers: [this.registry],
      collect() {
        this.set(read().subscriptions);
      },
    });
  }

  nameOperations(documents: Iterable<DocumentNode>): void {
    this.operationNames.learn(documents);
  }

  graphqlRequest(
    operation: string | null,
    client: ClientIdentity,
    outcome: RequestOutcome,
    seconds: number,
  ): void {
    const label = operation === null ? 'anonymous' : this.operationNames.valueOf(operation);
    const [name, version] = this.clients.valuesOf(client);
    // Label values hold no newline (operation names are GraphQL names, clients come from METRICS_CLIENTS).
    const key = `${label}\n${name}\n${version}`;
    let series = this.requestSeries.get(key);
    if (!series) {
      const [ok, partial, error] = OUTCOMES.map((value) => this.requests.labels(label, name, version, value));
      series = { ok: ok!, partial: partial!, error: error! };
      this.requestSeries.set(key, series);
    }
    series[outcome].observe(seconds);
  }

  authFailure(reason: AuthFailureReason): void {
    this.authFailures.inc({ reason });
  }

  accessDenied(field: string): void {
    this.accessDenials.inc({ field });
  }

  tokenCacheLookup(hit: boolean): void {
    (hit ? this.cacheHits : this.cacheMisses).inc();
  }

  login(outcome: 'succeeded' | 'failed' | 'throttled'): void {
    this.logins.inc({ outcome });
  }

  refreshTokenReuse(): void {
    this.reuses.inc();
  }

  databaseError(): void {
    this.databaseErrors.inc();
  }

  jwksFetch(issuer: string, outcome: 'ok' | 'error'): void {
    this.jwksFetches.inc({ issuer, outcome });
  }

  /** The text exposition format, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

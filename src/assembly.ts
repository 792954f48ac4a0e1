import { type FastifyInstance } from 'fastify';
import { type LogEvent } from 'kysely';
import { type Logger } from 'pino';
import { type AuditTrail } from './audit/audit-trail';
import { buildRuntime, metricsFor, type Runtime, type Services, startServices } from './bootstrap';
import { type Config } from './config';
import { type ApiDefinition } from './modules/api-definition';
import { type PrometheusMetrics } from './observability/prometheus-metrics';
import { type Tracing } from './observability/tracing-hooks';
import { createServer } from './server';
import { type Lifecycle } from './server/lifecycle';
import { rememberMediaTypeNegotiations } from './server/media-type-negotiation';

/** What the caller chooses; everything else follows from the configuration. */
export interface AssemblyOptions {
  readonly logger: Logger;
  /** Milliseconds since the epoch; tests pass a clock of their own. */
  readonly clock?: () => number;
  /** Spans for requests, tokens, permission checks and queries (when OTEL_EXPORTER_OTLP_ENDPOINT is set). */
  readonly tracing?: Tracing;
  /** Told of every database query (tests count them). */
  readonly onQuery?: (event: LogEvent) => void;
  /** The benchmark's variant without an audit trail passes one that records nothing. */
  readonly audit?: AuditTrail;
  /** The API with its modules: the registered ones by default. */
  readonly api?: ApiDefinition;
  /** The shutdown state src/index.ts drives. */
  readonly lifecycle?: Lifecycle;
}

/** The parts without a server: what the CLIs that read or change accounts work with. */
export interface AssembledServices {
  readonly runtime: Runtime;
  readonly services: Services;
}

/**
 * The token service and the services on a migrated database, from configuration: the first half of
 * {@link assembleApi}, and all that the user and audit CLIs need.
 * @throws as buildRuntime (keys) and startServices (the database); what was opened is closed again
 */
export async function assembleServices(
  config: Config,
  options: Omit<AssemblyOptions, 'lifecycle'> & { readonly metrics?: PrometheusMetrics },
): Promise<AssembledServices> {
  const { logger, clock, tracing, metrics } = options;
  const runtime = buildRuntime(config, { logger, metrics, ...(clock && { clock }) });
  const services = await startServices(runtime, logger, {
    metrics,
    tracing,
    ...(clock && { clock }),
    ...(options.onQuery && { onQuery: options.onQuery }),
    ...(options.audit && { audit: options.audit }),
    ...(options.api && { api: options.api }),
  });
  return { runtime, services };
}

/** The API, assembled and not yet listening. */
export interface AssembledApi {
  readonly runtime: Runtime;
  readonly services: Services;
  readonly app: FastifyInstance;
  /** Present when METRICS_PORT or METRICS_TOKEN says where they may be read. */
  readonly metrics: PrometheusMetrics | undefined;
  /** Closes the server (in-flight requests finish), then the services and the database. */
  readonly close: () => Promise<void>;
}

/**
 * The one assembly of the API from its configuration, which the server (src/index.ts), the tests and the
 * benchmark all call (the CLIs call its first half, {@link assembleServices}): metrics when configured, the token service, the services on a migrated database,
 * and the server over them.
 * @throws as buildRuntime (keys), startServices (the database) and createServer (manifests); what was
 * opened is closed again
 */
export async function assembleApi(config: Config, options: AssemblyOptions): Promise<AssembledApi> {
  const { logger, tracing } = options;
  // Apollo negotiates the response's media type afresh on every request; this process-wide patch of
  // `negotiator` remembers the answers (~4% of a `me` request: media-type-negotiation.ts). A startup step,
  // done here once for every server this process assembles.
  rememberMediaTypeNegotiations();
  const metrics = await metricsFor(config);
  const { runtime, services } = await assembleServices(config, { ...options, metrics });
  let app: FastifyInstance;
  try {
    app = await createServer(config, {
      logger,
      tokens: runtime.tokens,
      metrics,
      tracing,
      ...(options.lifecycle && { lifecycle: options.lifecycle }),
      ...services,
    });
  } catch (error) {
    await services.close();
    throw error;
  }
  return {
    runtime,
    services,
    app,
    metrics,
    close: async () => {
      await app.close();
      await services.close();
    },
  };
}

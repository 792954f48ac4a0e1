import 'reflect-metadata';
import { config as loadDotenv } from 'dotenv';
import { setTimeout as sleep } from 'node:timers/promises';
import { type FastifyInstance } from 'fastify';
import { type Logger } from 'pino';
import { DEMO_ADMIN_USERNAME, ensureDemoAdmin } from './accounts/demo-admin';
import { type AssembledApi, assembleApi } from './assembly';
import { type Services } from './bootstrap';
import { type Config, parseConfig } from './config';
import { describeError } from './errors';
import { createLogger, logFormatFor } from './logger';
import { createMetricsServer } from './observability/metrics-endpoint';
import { Lifecycle } from './server/lifecycle';

/** How often what no longer matters is deleted. */
const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Deletes, now and on every interval, the refresh tokens of ended sessions, the revocations no valid token
 * can match any more and the audit events older than AUDIT_RETENTION. A failure is logged and the next run
 * tries again.
 */
function schedulePurge(services: Services, config: Config, logger: Logger): NodeJS.Timeout {
  const jobs: ReadonlyArray<[what: string, purge: () => Promise<number>]> = [
    ['the refresh tokens of ended sessions', () => services.accounts.purgeEndedSessions()],
    ['expired revocations', () => services.revocationFeed.purge()],
    [
      'audit events past AUDIT_RETENTION',
      () =>
        services.audit.purge(services.database.db, Date.now() - config.accounts.auditRetentionSeconds * 1000),
    ],
  ];
  const purge = () => {
    for (const [what, run] of jobs) {
      void run().then(
        (deleted) => {
          if (deleted > 0) logger.info({ deleted }, `purged ${what}`);
        },
        (error: unknown) => logger.warn(`purging ${what} failed: ${describeError(error)}`),
      );
    }
  };
  purge();
  return setInterval(purge, PURGE_INTERVAL_MS).unref();
}

/**
 * @returns the signal handler for the shutdown sequence (server/lifecycle.ts): drain for SHUTDOWN_DELAY with
 * /readyz at 503, close the listener, let in-flight requests finish, then `afterServer` (the database, the
 * metrics listener, the last spans) and exit 0; exit 1 when that takes longer than SHUTDOWN_TIMEOUT. A
 * second signal changes nothing.
 */
function shutDownOnce(parts: {
  app: FastifyInstance;
  lifecycle: Lifecycle;
  config: Config;
  logger: Logger;
  purging: NodeJS.Timeout;
  afterServer: () => Promise<void>;
}): (signal: NodeJS.Signals) => void {
  const { app, lifecycle, config, logger } = parts;
  let stopping = false;
  return (signal) => {
    if (stopping) return;
    stopping = true;
    clearInterval(parts.purging);
    lifecycle.startDraining(app.server);
    const { shutdownDelayMs, shutdownTimeoutMs } = config.server;
    logger.info({ signal, delayMs: shutdownDelayMs }, 'draining: /readyz answers 503, still serving');
    sleep(shutdownDelayMs)
      .then(() => {
        logger.info('closing: no new connections, finishing in-flight requests');
        lifecycle.startClosing();
        setTimeout(() => {
          logger.error('shutdown timed out; exiting with requests still open');
          process.exit(1);
        }, shutdownTimeoutMs).unref();
        return app.close();
      })
      .then(parts.afterServer)
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(`shutdown failed: ${describeError(error)}`);
          process.exit(1);
        },
      );
  };
}

/** Configuration and its logger, or a message on stderr and exit 1: nothing can be logged before them. */
function configure(): { config: Config; logger: Logger } {
  try {
    const config = parseConfig(process.env);
    const logFormat = logFormatFor(config.env, process.stdout.isTTY === true);
    return { config, logger: createLogger(config.server.logLevel, undefined, logFormat) };
  } catch (error) {
    process.stderr.write(`${describeError(error)}\n`);
    process.exit(1);
  }
}

/** Whether operations are reported to GraphOS, where, and for which graph; never the key. */
function usageReportingLine({ graphos: { usageReporting } }: Config): string {
  if (!usageReporting) return 'usage reporting to GraphOS: off (APOLLO_KEY and APOLLO_GRAPH_REF unset)';
  const endpoint = usageReporting.endpoint ?? 'https://usage-reporting.api.apollographql.com';
  return `usage reporting to GraphOS: on, graph ${usageReporting.graphRef}, to ${endpoint} (no headers, variable values or error messages)`;
}

/** In development, on an empty database: the demo admin, whose password is shown once, on the terminal only. */
async function announceDemoAdmin(api: AssembledApi): Promise<void> {
  const password = await ensureDemoAdmin(api.services.users);
  if (!password) return;
  process.stderr.write(
    `\nCreated the demo admin for this empty development database (shown once):\n  username: ${DEMO_ADMIN_USERNAME}\n  password: ${password}\n\n`,
  );
}

/** Process glue: configuration, assembly, listening, signals. The only server file that reads process.env or exits. */
async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  const { config, logger } = configure();
  // Required only when configured: with tracing off, no OpenTelemetry module is ever loaded.
  const tracing = config.observability.tracing.otlpEndpoint
    ? (await import('./observability/tracing')).startTracing(config.observability.tracing)
    : undefined;
  const lifecycle = new Lifecycle();
  let api: AssembledApi;
  try {
    api = await assembleApi(config, { logger, tracing, lifecycle });
  } catch (error) {
    logger.fatal(`cannot start: ${describeError(error)}`);
    process.exit(1);
  }
  for (const warning of api.runtime.warnings) logger.warn(warning);
  logger.info(usageReportingLine(config));
  if (config.env === 'development') await announceDemoAdmin(api);
  const { metrics, services, app } = api;
  const metricsServer =
    metrics && config.observability.metrics.port !== undefined && createMetricsServer(metrics);
  const stop = shutDownOnce({
    app,
    lifecycle,
    config,
    logger,
    purging: schedulePurge(services, config, logger),
    afterServer: async () => {
      await services.close();
      if (metricsServer) await metricsServer.close();
      // Sends the spans still batched; a collector that is away costs at most its export timeout.
      await tracing?.shutdown();
    },
  });
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  // The metrics port first: one that cannot be bound stops startup before the API takes traffic.
  if (metricsServer) {
    const { host, port } = config.observability.metrics;
    logger.info(`metrics: ${await metricsServer.listen({ host, port })}/metrics`);
  }
  const address = await app.listen({ host: config.server.host, port: config.server.port });
  logger.info(`GraphQL endpoint: ${address}/graphql`);
}

main().catch((error: unknown) => {
  process.stderr.write(`startup failed: ${describeError(error)}\n`);
  process.exit(1);
});

import 'reflect-metadata';
import { config as loadDotenv } from 'dotenv';
import { type Logger } from 'pino';
import { type AccountService } from './accounts/account-service';
import { ensureDemoAdmin } from './accounts/demo-admin';
import { buildRuntime, type Runtime, startServices } from './bootstrap';
import { parseConfig } from './config';
import { describeError } from './errors';
import { createLogger } from './logger';
import { createServer } from './server';

/** How often refresh-token rows of ended sessions are deleted. */
const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/** Purges ended sessions now and on every interval; a failure is logged and the next run tries again. */
function schedulePurge(accounts: AccountService, logger: Logger): NodeJS.Timeout {
  const purge = () =>
    void accounts.purgeEndedSessions().then(
      (deleted) => {
        if (deleted > 0) logger.info({ deleted }, 'purged the refresh tokens of ended sessions');
      },
      (error: unknown) => logger.warn(`session purge failed: ${describeError(error)}`),
    );
  purge();
  return setInterval(purge, PURGE_INTERVAL_MS).unref();
}

/** Process glue: configuration, database, listening, signals. The only server file that reads process.env or exits. */
async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  let runtime: Runtime;
  let logger;
  try {
    const config = parseConfig(process.env);
    logger = createLogger(config.server.logLevel);
    runtime = buildRuntime(config, { logger });
  } catch (error) {
    process.stderr.write(`${describeError(error)}\n`);
    process.exit(1);
  }
  const { config, tokens, warnings } = runtime;
  for (const warning of warnings) logger.warn(warning);

  let services;
  try {
    services = await startServices(runtime, logger);
  } catch (error) {
    logger.fatal(`cannot start: ${describeError(error)}`);
    process.exit(1);
  }
  if (config.env === 'development') {
    const password = await ensureDemoAdmin(services.users);
    if (password) {
      // Shown once, on the terminal only: it is not in the logs and is never printed again.
      process.stderr.write(
        `\nCreated the demo admin for this empty development database (shown once):\n  username: admin\n  password: ${password}\n\n`,
      );
    }
  }
  const app = await createServer(config, { logger, tokens, ...services });
  const purging = schedulePurge(services.accounts, logger);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    clearInterval(purging);
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const deadline = setTimeout(() => {
      logger.error('shutdown timed out; exiting with requests still open');
      process.exit(1);
    }, config.server.shutdownTimeoutMs);
    deadline.unref();
    app
      .close()
      .then(() => services.database.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(`shutdown failed: ${describeError(error)}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  const address = await app.listen({ host: config.server.host, port: config.server.port });
  logger.info(`GraphQL endpoint: ${address}/graphql`);
}

main().catch((error: unknown) => {
  process.stderr.write(`startup failed: ${describeError(error)}\n`);
  process.exit(1);
});

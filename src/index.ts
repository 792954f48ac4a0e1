import 'reflect-metadata';
import { config as loadDotenv } from 'dotenv';
import { loadRuntime, type Runtime } from './bootstrap';
import { ConfigError } from './config';
import { createServer } from './server';

/** Process glue: configuration, listening, signals. The only server file that reads process.env or exits. */
async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  let runtime: Runtime;
  try {
    runtime = loadRuntime(process.env);
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const { config, tokens, warnings } = runtime;
  const app = await createServer(config, { tokens });
  for (const warning of warnings) app.log.warn(warning);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const deadline = setTimeout(() => {
      app.log.error('shutdown timed out; exiting with requests still open');
      process.exit(1);
    }, config.server.shutdownTimeoutMs);
    deadline.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  const address = await app.listen({ host: config.server.host, port: config.server.port });
  app.log.info(`GraphQL endpoint: ${address}/graphql`);
}

main().catch((error: unknown) => {
  process.stderr.write(`startup failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

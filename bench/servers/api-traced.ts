import 'reflect-metadata';
import { startTracing } from '../../src/observability/tracing';
import { parseConfig } from '../../src/config';
import { announce, SECRET } from '../fixtures';
import { seededApi } from '../seed';
import { startSink } from '../sink';

/**
 * (1t) (1) with metrics and OpenTelemetry tracing on, every span batched to a local OTLP endpoint; `sampler`
 * sets the standard variables first, as an operator would (api-traced-ratio.ts).
 */
export async function serveTraced(sampler: Record<string, string> = {}): Promise<void> {
  const otlpEndpoint = await startSink();
  // Configured as an operator would: the standard variables, read by the API's configuration.
  const env = {
    METRICS_TOKEN: 'bench-metrics-token-0123456789abcdef',
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
    ...sampler,
  };
  const { observability } = parseConfig({ NODE_ENV: 'production', SIGNING_KEY: SECRET, ...env });
  const tracing = startTracing({ ...observability.tracing, serviceName: 'graphql-jwt-api-bench' });
  const { app } = await seededApi({
    env,
    tracing,
  });
  announce(`${await app.listen({ host: '127.0.0.1', port: 0 })}/graphql`);
}

if (require.main === module) void serveTraced();

import 'reflect-metadata';
import { announce } from '../fixtures';
import { seededApi } from '../seed';

/** (1m) (1) with Prometheus metrics on (METRICS_TOKEN), tracing off: what the counters cost. */
async function main(): Promise<void> {
  const { app } = await seededApi({
    env: { METRICS_TOKEN: 'bench-metrics-token-0123456789abcdef' },
  });
  announce(`${await app.listen({ host: '127.0.0.1', port: 0 })}/graphql`);
}

void main();

import 'reflect-metadata';
import { announce } from '../fixtures';
import { seededApi } from '../seed';
import { startSink } from '../sink';

/**
 * (1g) (1) with GraphOS usage reporting on, configured as an operator would (APOLLO_KEY, APOLLO_GRAPH_REF),
 * its reports sent to a local endpoint in a process of its own (APOLLO_USAGE_REPORTING_ENDPOINT) that reads
 * and drops them; every operation timed field by field (Apollo's default) unless `settings` say otherwise
 * (api-graphos-sampled.ts).
 */
export async function serveReporting(settings: Record<string, string> = {}): Promise<void> {
  const { app } = await seededApi({
    env: {
      APOLLO_KEY: 'service:bench-graph:0123456789abcdefghij',
      APOLLO_GRAPH_REF: 'bench-graph@bench',
      APOLLO_USAGE_REPORTING_ENDPOINT: await startSink(),
      ...settings,
    },
  });
  announce(`${await app.listen({ host: '127.0.0.1', port: 0 })}/graphql`);
}

if (require.main === module) void serveReporting();

import { z } from 'zod';
import { type EnvReader } from './env-reader';

export interface UsageReportingConfig {
  /** APOLLO_KEY: a secret (a graph API key); it goes to the reporting endpoint only, never to a log. */
  readonly key: string;
  /** APOLLO_GRAPH_REF: `graph-id@variant`. */
  readonly graphRef: string;
  /** APOLLO_USAGE_REPORTING_ENDPOINT: a reporting proxy (or a test's listener) instead of Apollo's. */
  readonly endpoint: string | undefined;
  /**
   * APOLLO_FIELD_LEVEL_INSTRUMENTATION: the share of operations whose resolvers are timed field by field
   * (Apollo's default, 1: every one); the others are counted as operations only.
   */
  readonly fieldLevelInstrumentation: number;
}

export interface GraphOSConfig {
  /** Set when APOLLO_KEY and APOLLO_GRAPH_REF both are: usage reports go to GraphOS. Otherwise none is built. */
  readonly usageReporting: UsageReportingConfig | undefined;
}

/** A graph id (letters, digits, `_`, `-`), and a variant after `@` (Apollo's `current` when left out). */
const graphRef = z
  .string()
  .trim()
  .regex(/^[A-Za-z][\w-]{0,63}(@[\w.-]{1,64})?$/, 'expected graph-id@variant');

/**
 * APOLLO_KEY, APOLLO_GRAPH_REF, APOLLO_USAGE_REPORTING_ENDPOINT and APOLLO_FIELD_LEVEL_INSTRUMENTATION. Apollo Server would switch usage
 * reporting on by itself on seeing the first two; here the configuration decides, one of the two without the
 * other is a mistake that stops the start, and the variables Apollo reads but this API does not act on
 * (schema reporting, the pre-graph-ref pair) are refused rather than silently half-honoured.
 */
export function readGraphOS(env: EnvReader): GraphOSConfig {
  const key = env.text('APOLLO_KEY');
  const ref = env.read<string | undefined>('APOLLO_GRAPH_REF', graphRef, undefined);
  const endpoint = env.read<string | undefined>(
    'APOLLO_USAGE_REPORTING_ENDPOINT',
    z.url({ protocol: /^https?$/ }),
    undefined,
  );
  const fieldLevelInstrumentation = env.read(
    'APOLLO_FIELD_LEVEL_INSTRUMENTATION',
    z.coerce.number().min(0).max(1),
    1,
  );
  for (const legacy of ['APOLLO_GRAPH_ID', 'APOLLO_GRAPH_VARIANT']) {
    if (env.text(legacy))
      env.problem(`${legacy}: not read; name the graph with APOLLO_GRAPH_REF=graph-id@variant`);
  }
  if (env.text('APOLLO_SCHEMA_REPORTING') === 'true') {
    env.problem(
      'APOLLO_SCHEMA_REPORTING: not supported; publish the committed schema/schema.graphql with rover (docs/clients.md)',
    );
  }
  if ((key === undefined) !== (env.text('APOLLO_GRAPH_REF') === undefined)) {
    env.problem('APOLLO_KEY and APOLLO_GRAPH_REF: set both to send usage reports to GraphOS, or neither');
  } else if (endpoint !== undefined && key === undefined) {
    env.problem('APOLLO_USAGE_REPORTING_ENDPOINT: only with APOLLO_KEY and APOLLO_GRAPH_REF');
  }
  return {
    usageReporting:
      key !== undefined && ref !== undefined
        ? { key, graphRef: ref, endpoint: endpoint?.replace(/\/+$/, ''), fieldLevelInstrumentation }
        : undefined,
  };
}

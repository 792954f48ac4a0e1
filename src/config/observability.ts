import { z } from 'zod';
import { commaList, type EnvReader, nonEmpty } from './env-reader';
import { PACKAGE_NAME } from './jwt';

export interface MetricsConfig {
  /** Whether anything is collected: only when METRICS_PORT or METRICS_TOKEN says where it may be read. */
  readonly enabled: boolean;
  /** A listener of its own for GET /metrics, reachable only where the operator exposes that port. */
  readonly port: number | undefined;
  readonly host: string;
  /** When set, GET /metrics on the API's own port answers a caller presenting it as a bearer token. */
  readonly token: string | undefined;
  /**
   * Operation names the operator lists, which get their own label value (as do the operations of loaded
   * trusted documents); any other name is counted as `other`.
   */
  readonly operationNames: readonly string[];
  /**
   * METRICS_CLIENTS: the client names (`apollographql-client-name`), and `name@version` pairs, that get a
   * label value of their own; any other name or version is counted as `other`.
   */
  readonly clients: readonly string[];
}

/** The standard samplers of OTEL_TRACES_SAMPLER that the SDK ships (remote samplers need services we do not run). */
export const TRACES_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

export interface TracingConfig {
  /** Off (and nothing is loaded) when undefined. */
  readonly otlpEndpoint: string | undefined;
  readonly serviceName: string;
  /** OTEL_TRACES_SAMPLER: which requests are recorded; the parent-based ones follow a caller's decision. */
  readonly sampler: (typeof TRACES_SAMPLERS)[number];
  /** OTEL_TRACES_SAMPLER_ARG: the ratio of the traceidratio samplers, 0 to 1. */
  readonly samplerRatio: number;
  /**
   * OTEL_BSP_MAX_EXPORT_BATCH_SIZE: the spans waiting before a batch is sent without waiting for the timer.
   * 128 here rather than the SDK's 512: spans waiting in the queue are live at each young-generation
   * collection, which copies them, and under load 512 of them raised that cost by half (docs/performance.md).
   */
  readonly exportBatchSize: number;
}

export interface ObservabilityConfig {
  readonly metrics: MetricsConfig;
  readonly tracing: TracingConfig;
}

/** GraphQL names (`[_A-Za-z][_0-9A-Za-z]*`), comma-separated: at most a thousand, each at most 100 long. */
const operationNameList = z.string().transform((value, ctx) => {
  const names = commaList(value);
  if (names.length > 1000 || !names.every((name) => /^[_A-Za-z][_0-9A-Za-z]{0,99}$/.test(name))) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected at most 1000 comma-separated GraphQL operation names',
    });
    return z.NEVER;
  }
  return names;
});

/**
 * Client names, each alone or as `name@version` (split at the last `@`, so `@scope/app@1.2` works): at most a
 * thousand entries of printable characters without commas, each at most 100 long.
 */
const clientList = z.string().transform((value, ctx) => {
  const entries = commaList(value);
  if (entries.length > 1000 || !entries.every((entry) => /^[\x21-\x2b\x2d-\x7e]{1,100}$/.test(entry))) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected at most 1000 comma-separated client names or name@version',
    });
    return z.NEVER;
  }
  return entries;
});

/** Shorter tokens can be guessed; the same floor as an HS256 signing secret. */
const MIN_METRICS_TOKEN_LENGTH = 32;

/** The export batch this API uses unless OTEL_BSP_MAX_EXPORT_BATCH_SIZE says otherwise (TracingConfig). */
const DEFAULT_EXPORT_BATCH_SIZE = 128;

/**
 * METRICS_PORT, METRICS_HOST, METRICS_TOKEN, METRICS_OPERATION_NAMES, METRICS_CLIENTS, OTEL_EXPORTER_OTLP_ENDPOINT,
 * OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG and OTEL_BSP_MAX_EXPORT_BATCH_SIZE. Metrics
 * are never public by default: without a port or a token they are off. The sampler variables are the
 * standard ones, read here so that a mistyped value stops the start instead of the SDK's falling back to
 * sampling everything.
 */
export function readObservability(env: EnvReader, host: string): ObservabilityConfig {
  const port = env.read<number | undefined>(
    'METRICS_PORT',
    z.coerce.number().int().min(0).max(65535),
    undefined,
  );
  const token = env.raw('METRICS_TOKEN');
  if (token !== undefined && token.length < MIN_METRICS_TOKEN_LENGTH) {
    env.problem(`METRICS_TOKEN: must be at least ${MIN_METRICS_TOKEN_LENGTH} characters`);
  }
  env.retired(
    'METRICS_MAX_OPERATION_NAMES',
    'operation names get a series of their own only when METRICS_OPERATION_NAMES lists them or a trusted-document manifest defines them',
  );
  const otlpEndpoint = env.read<string | undefined>(
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    z.url({ protocol: /^https?$/ }),
    undefined,
  );
  return {
    metrics: {
      enabled: port !== undefined || token !== undefined,
      port,
      host: env.read('METRICS_HOST', nonEmpty, host),
      token,
      operationNames: env.read('METRICS_OPERATION_NAMES', operationNameList, []),
      clients: env.read('METRICS_CLIENTS', clientList, []),
    },
    tracing: {
      otlpEndpoint: otlpEndpoint?.replace(/\/+$/, ''),
      serviceName: env.read('OTEL_SERVICE_NAME', nonEmpty, PACKAGE_NAME),
      sampler: env.read('OTEL_TRACES_SAMPLER', z.enum(TRACES_SAMPLERS), 'parentbased_always_on'),
      samplerRatio: env.read('OTEL_TRACES_SAMPLER_ARG', z.coerce.number().min(0).max(1), 1),
      // The SDK reads its other OTEL_BSP_* variables itself, and caps the batch at OTEL_BSP_MAX_QUEUE_SIZE.
      exportBatchSize: env.read(
        'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
        z.coerce.number().int().min(1).max(65536),
        DEFAULT_EXPORT_BATCH_SIZE,
      ),
    },
  };
}

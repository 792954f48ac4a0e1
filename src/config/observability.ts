import { z } from 'zod';
import { count, type EnvReader, nonEmpty } from './env-reader';
import { PACKAGE_NAME } from './jwt';

export interface MetricsConfig {
  /** Whether anything is collected: only when METRICS_PORT or METRICS_TOKEN says where it may be read. */
  readonly enabled: boolean;
  /** A listener of its own for GET /metrics, reachable only where the operator exposes that port. */
  readonly port: number | undefined;
  readonly host: string;
  /** When set, GET /metrics on the API's own port answers a caller presenting it as a bearer token. */
  readonly token: string | undefined;
  /** Distinct operation names given their own label value; later ones are counted as `other`. */
  readonly maxOperationNames: number;
}

export interface TracingConfig {
  /** Off (and nothing is loaded) when undefined. */
  readonly otlpEndpoint: string | undefined;
  readonly serviceName: string;
}

export interface ObservabilityConfig {
  readonly metrics: MetricsConfig;
  readonly tracing: TracingConfig;
}

/** Shorter tokens can be guessed; the same floor as an HS256 signing secret. */
const MIN_METRICS_TOKEN_LENGTH = 32;

/**
 * METRICS_PORT, METRICS_HOST, METRICS_TOKEN, METRICS_MAX_OPERATION_NAMES, OTEL_EXPORTER_OTLP_ENDPOINT and
 * OTEL_SERVICE_NAME. Metrics are never public by default: without a port or a token they are off.
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
      maxOperationNames: env.read('METRICS_MAX_OPERATION_NAMES', count(1, 10_000), 100),
    },
    tracing: {
      otlpEndpoint: otlpEndpoint?.replace(/\/+$/, ''),
      serviceName: env.read('OTEL_SERVICE_NAME', nonEmpty, PACKAGE_NAME),
    },
  };
}

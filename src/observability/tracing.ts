import {
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { type LogEvent } from 'kysely';
import { type Authenticate } from '../auth/authenticate';
import { type TracingConfig } from '../config/observability';
import { AuthError } from '../errors';
import { type Tracing } from './tracing-hooks';

/*
 * Loaded only when OTEL_EXPORTER_OTLP_ENDPOINT is set (src/index.ts requires it then): with tracing off no
 * OpenTelemetry module is loaded and no hook below is installed, so it costs nothing.
 */

const requestSpans = new WeakMap<FastifyRequest, Span>();

/** "SELECT" from "select ... ", for the span name and db.operation.name. */
function operationOf(sqlText: string): string {
  return /^\s*(\w+)/.exec(sqlText)?.[1]?.toUpperCase() ?? 'QUERY';
}

class OpenTelemetryTracing implements Tracing {
  constructor(
    private readonly sdk: NodeSDK,
    private readonly tracer: Tracer,
  ) {}

  /**
   * A SERVER span per GraphQL HTTP request, continuing the caller's W3C `traceparent` when there is one.
   * It starts when the request arrives and becomes the active context just before the handler (after the
   * body is read, whose stream callbacks would lose it), so everything the request does is its child.
   */
  instrumentServer(app: FastifyInstance): void {
    app.addHook('onRequest', (request, _reply, done) => {
      if (request.routeOptions.url !== '/graphql') return done();
      const parent = propagation.extract(context.active(), request.headers);
      const span = this.tracer.startSpan(
        'graphql',
        {
          kind: SpanKind.SERVER,
          attributes: { 'http.request.method': request.method, 'url.path': '/graphql' },
        },
        parent,
      );
      requestSpans.set(request, span);
      done();
    });
    app.addHook('preHandler', (request, _reply, done) => {
      const span = requestSpans.get(request);
      if (!span) return done();
      context.with(trace.setSpan(context.active(), span), done);
    });
    app.addHook('onResponse', (request, reply, done) => {
      const span = requestSpans.get(request);
      if (span) {
        span.setAttribute('http.response.status_code', reply.statusCode);
        if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
      done();
    });
  }

  /** A child span per token verification: the outcome or the refusal's reason, never the token. */
  traceAuthenticate(authenticate: Authenticate): Authenticate {
    return async (authorization) => {
      if (authorization === undefined) return authenticate(authorization);
      return this.tracer.startActiveSpan('jwt.verify', async (span) => {
        try {
          const identity = await authenticate(authorization);
          span.setAttribute('auth.outcome', 'verified');
          return identity;
        } catch (error) {
          span.setAttribute('auth.outcome', error instanceof AuthError ? error.reason : 'error');
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw error;
        } finally {
          span.end();
        }
      });
    };
  }

  tracePermissionCheck<T>(field: string, check: () => T): T {
    const span = this.tracer.startSpan('graphql.permission', { attributes: { 'graphql.field': field } });
    try {
      const decision = check();
      span.setAttribute('authz.decision', decision === true ? 'allow' : 'deny');
      return decision;
    } finally {
      span.end();
    }
  }

  /** Kysely reports a query when it has run: the span is drawn afterwards over the time it took. */
  onQuery(event: LogEvent, engine: 'sqlite' | 'postgres'): void {
    const end = Date.now();
    const operation = operationOf(event.query.sql);
    const span = this.tracer.startSpan(operation, {
      kind: SpanKind.CLIENT,
      startTime: end - event.queryDurationMillis,
      attributes: {
        'db.system.name': engine === 'postgres' ? 'postgresql' : 'sqlite',
        'db.operation.name': operation,
        // With placeholders: the values (passwords' hashes, tokens' digests) are never in the text.
        'db.query.text': event.query.sql,
      },
    });
    if (event.level === 'error') {
      const code = (event.error as { code?: unknown } | undefined)?.code;
      span.setAttribute('error.type', typeof code === 'string' ? code : 'error');
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end(end);
  }

  annotateRequest(details: {
    operationName: string | null;
    operationType: string | undefined;
    outcome: string;
    subject: string | undefined;
  }): void {
    const span = trace.getSpan(context.active());
    if (!span) return;
    const { operationName, operationType, outcome, subject } = details;
    span.updateName([operationType ?? 'graphql', operationName].filter(Boolean).join(' '));
    if (operationName) span.setAttribute('graphql.operation.name', operationName);
    if (operationType) span.setAttribute('graphql.operation.type', operationType);
    span.setAttribute('graphql.outcome', outcome);
    // The subject alone: no username, scope or claim from the token.
    if (subject !== undefined) span.setAttribute('enduser.id', subject);
    if (outcome === 'error') span.setStatus({ code: SpanStatusCode.ERROR });
  }

  currentTraceId(): string | undefined {
    return trace.getSpan(context.active())?.spanContext().traceId;
  }

  shutdown(): Promise<void> {
    return this.sdk.shutdown();
  }
}

/**
 * Starts the OpenTelemetry SDK: spans are batched to `<endpoint>/v1/traces` over OTLP/HTTP (protobuf),
 * contexts follow async calls, and W3C trace context is read from callers.
 * @param spanProcessors replace the exporter (tests pass an in-memory one)
 */
export function startTracing(config: TracingConfig, spanProcessors?: SpanProcessor[]): Tracing {
  const sdk = new NodeSDK({
    serviceName: config.serviceName,
    spanProcessors: spanProcessors ?? [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${config.otlpEndpoint}/v1/traces` })),
    ],
    // Only the spans above: request, token, permission and query are what this API has to say.
    instrumentations: [],
  });
  sdk.start();
  return new OpenTelemetryTracing(sdk, trace.getTracer('graphql-jwt-api'));
}

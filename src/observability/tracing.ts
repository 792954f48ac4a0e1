import {
  type Attributes,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { type GraphQLResolveInfo } from 'graphql';
import { type LogEvent } from 'kysely';
import { type TracingConfig } from '../config/observability';
import { AuthError } from '../errors';
import { type Tracing } from './tracing-hooks';

/*
 * Loaded only when OTEL_EXPORTER_OTLP_ENDPOINT is set (src/index.ts requires it then): with tracing off no
 * OpenTelemetry module is loaded and no hook below is installed, so it costs nothing.
 *
 * What a trace costs is kept to what an operator reads (#26): a span for the request, one for a token
 * verified in full (a remembered token is a map lookup, not worth a span), one per database query, and
 * the permission decisions as events on the request's span rather than a span per field. A request the
 * sampler does not record (OTEL_TRACES_SAMPLER) gets no span at all: no id drawn, no context entered, no
 * attribute computed, no event or child span built.
 */

/** Only the spans of recorded requests: an unsampled request is never looked up again. */
const requestSpans = new WeakMap<FastifyRequest, Span>();
const REQUEST_ATTRIBUTES: Attributes = Object.freeze({ 'url.path': '/graphql' });

/** The span of the request being served, when it is being recorded. */
function recordingSpan(): Span | undefined {
  const span = trace.getSpan(context.active());
  return span?.isRecording() ? span : undefined;
}

/** "SELECT" from "select ... ", for the span name and db.operation.name. */
function operationOf(sqlText: string): string {
  return /^\s*(\w+)/.exec(sqlText)?.[1]?.toUpperCase() ?? 'QUERY';
}

class OpenTelemetryTracing implements Tracing {
  /** Recorded requests between their arrival and their response. */
  private recording = 0;

  constructor(
    private readonly sdk: NodeSDK,
    private readonly tracer: Tracer,
    private readonly contextManager: AsyncLocalStorageContextManager,
    private readonly sampling: RootSampling,
  ) {}

  /**
   * A SERVER span per recorded GraphQL HTTP request, continuing the caller's W3C `traceparent` when there
   * is one. It starts when the request arrives and becomes the active context just before the handler
   * (after the body is read, whose stream callbacks would lose it), so everything the request does is its
   * child; it ends when the response closes, sent or aborted.
   */
  instrumentServer(app: FastifyInstance): void {
    app.addHook('onRequest', (request, reply, done) => {
      if (request.routeOptions.url !== '/graphql') return done();
      const { traceparent } = request.headers;
      // A request the sampler would drop costs one comparison: no span, no ids drawn (about 7% of an
      // unsampled request's instructions went to the span the SDK builds only to drop it).
      if (!this.sampling.rootSampled(traceparent !== undefined)) return done();
      const parent =
        traceparent === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, request.headers);
      const span = this.tracer.startSpan(
        'graphql',
        { kind: SpanKind.SERVER, attributes: REQUEST_ATTRIBUTES },
        parent,
      );
      if (!span.isRecording()) return done();
      span.setAttribute('http.request.method', request.method);
      requestSpans.set(request, span);
      this.recording += 1;
      // 'close' comes once the response is sent or the connection is gone: no hook for every request.
      reply.raw.once('close', () => {
        span.setAttribute('http.response.status_code', reply.raw.statusCode);
        if (!reply.raw.writableFinished) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: 'aborted by the client' });
        } else if (reply.raw.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        this.finish(request, span);
      });
      done();
    });
    app.addHook('preHandler', (request, _reply, done) => {
      const span = requestSpans.get(request);
      if (!span) return done();
      context.with(trace.setSpan(ROOT_CONTEXT, span), done);
    });
  }

  private finish(request: FastifyRequest, span: Span): void {
    requestSpans.delete(request);
    span.end();
    // Node 20's AsyncLocalStorage makes every promise of the process pay a hook while it is enabled; with
    // no recorded request in flight nothing reads the context, so it is switched off until the next one
    // enters (context.with enables it again). At a 1% ratio the hooks were 3% of a profile, paid by the
    // 99 requests in a hundred that are not recorded.
    this.recording -= 1;
    if (this.recording === 0) this.contextManager.disable();
  }

  /** A child span per full verification: the outcome or the refusal's reason, never the token. */
  async traceVerification<T>(verify: () => Promise<T>): Promise<T> {
    if (!recordingSpan()) return verify();
    const span = this.tracer.startSpan('jwt.verify');
    try {
      const verified = await verify();
      span.setAttribute('auth.outcome', 'verified');
      return verified;
    } catch (error) {
      span.setAttribute('auth.outcome', error instanceof AuthError ? error.reason : 'error');
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  }

  recordDecision(info: Pick<GraphQLResolveInfo, 'parentType' | 'fieldName'>, allowed: boolean): void {
    recordingSpan()?.addEvent('authz.decision', {
      'graphql.field': `${info.parentType.name}.${info.fieldName}`,
      'authz.decision': allowed ? 'allow' : 'deny',
    });
  }

  /**
   * Kysely reports a query when it has run: the span is drawn afterwards over the time it took, as a child
   * of the recorded request that ran it (queries outside a request, or of an unsampled one, get none).
   */
  onQuery(event: LogEvent, engine: 'sqlite' | 'postgres'): void {
    if (!recordingSpan()) return;
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
    const span = recordingSpan();
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
 * OTEL_TRACES_SAMPLER's decision for a request, split in two: whether a request that starts a trace (or
 * whose caller's decision the sampler ignores) is recorded is drawn here, before any span exists; the
 * SDK's sampler then only follows a caller's sampled flag (the parent-based samplers) or records.
 */
interface RootSampling {
  /** @param hasParent whether the caller sent a traceparent */
  rootSampled(hasParent: boolean): boolean;
  /** The SDK's sampler for what gets past rootSampled. */
  readonly sampler: Sampler;
}

function rootSamplingFor({ sampler, samplerRatio }: TracingConfig): RootSampling {
  const ratio = sampler.endsWith('traceidratio') ? samplerRatio : sampler.endsWith('always_off') ? 0 : 1;
  const followsParent = sampler.startsWith('parentbased_');
  return {
    rootSampled: (hasParent) => (followsParent && hasParent) || ratio >= 1 || Math.random() < ratio,
    sampler: followsParent ? new ParentBasedSampler({ root: new AlwaysOnSampler() }) : new AlwaysOnSampler(),
  };
}

/**
 * Starts the OpenTelemetry SDK: spans are batched to `<endpoint>/v1/traces` over OTLP/HTTP (protobuf),
 * contexts follow async calls, and W3C trace context is read from callers.
 * @param spanProcessors replace the exporter (tests pass an in-memory one)
 */
export function startTracing(config: TracingConfig, spanProcessors?: SpanProcessor[]): Tracing {
  const contextManager = new AsyncLocalStorageContextManager();
  const sampling = rootSamplingFor(config);
  const sdk = new NodeSDK({
    serviceName: config.serviceName,
    contextManager,
    sampler: sampling.sampler,
    spanProcessors: spanProcessors ?? [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${config.otlpEndpoint}/v1/traces` })),
    ],
    // Only the spans above: request, token and query are what this API has to say.
    instrumentations: [],
    // Traces only. Left to itself the SDK also starts an OTLP metric reader (every 60 s) and log exporter
    // to the same endpoint: metrics are Prometheus's here, logs pino's.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  // Starting runs resource detection inside context.with, which enables AsyncLocalStorage for good: until
  // the first recorded request ended, every request paid its hooks (a server that samples nothing counted
  // 8-10% more instructions than one without tracing). Exports enable it again; a recorded request's end
  // switches it off (finish above).
  contextManager.disable();
  return new OpenTelemetryTracing(sdk, trace.getTracer('graphql-jwt-api'), contextManager, sampling);
}

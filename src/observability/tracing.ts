import {
  type Attributes,
  context,
  type Context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { type FastifyRequest, type onRequestHookHandler } from 'fastify';
import {
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  isObjectType,
  type OperationDefinitionNode,
} from 'graphql';
import { applyMiddleware, type IMiddlewareFunction, type IMiddlewareTypeMap } from 'graphql-middleware';
import { type LogEvent } from 'kysely';
import { type TracingConfig } from '../config/observability';
import { AuthError } from '../errors';
import { isTokenOnly, readsOnlyTheToken } from '../graphql/token-only';
import { type RequestContext, type RequestTrace } from '../request-context';
import { SwitchedContextManager } from './switched-context-manager';
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
 *
 * The request's trace travels explicitly (the GraphQL context, the token check's observer), not through
 * OpenTelemetry's async context: on Node 20 that is AsyncLocalStorage, whose promise hooks every promise of
 * the process pays while it is on, about half of what tracing every request cost in instructions. Only the
 * database spans need it (Kysely reports a query without its request), so it is entered only by operations
 * that may query the database, and switched off whenever none of them is in flight
 * (switched-context-manager.ts).
 */

/** A request span's first attributes, by method: given at its start rather than set one by one. */
const REQUEST_ATTRIBUTES: Readonly<Record<string, Attributes>> = {
  POST: Object.freeze({ 'url.path': '/graphql', 'http.request.method': 'POST' }),
  GET: Object.freeze({ 'url.path': '/graphql', 'http.request.method': 'GET' }),
};

/** The span of the database query's request, when it is being recorded (the async context's). */
function recordingSpan(): Span | undefined {
  const span = trace.getSpan(context.active());
  return span?.isRecording() ? span : undefined;
}

/** A decision event's attributes, built once per field and outcome ([deny, allow]): the SDK copies them. */
const decisionAttributes = new WeakMap<object, Map<string, readonly [Attributes, Attributes]>>();

function attributesOfDecision(
  { parentType, fieldName }: Pick<GraphQLResolveInfo, 'parentType' | 'fieldName'>,
  allowed: boolean,
): Attributes {
  let byField = decisionAttributes.get(parentType);
  if (!byField)
    decisionAttributes.set(parentType, (byField = new Map<string, readonly [Attributes, Attributes]>()));
  let pair = byField.get(fieldName);
  if (!pair) {
    const field = `${parentType.name}.${fieldName}`;
    pair = [
      Object.freeze({ 'graphql.field': field, 'authz.decision': 'deny' }),
      Object.freeze({ 'graphql.field': field, 'authz.decision': 'allow' }),
    ];
    byField.set(fieldName, pair);
  }
  return pair[allowed ? 1 : 0];
}

/** "SELECT" from "select ... ", for the span name and db.operation.name. */
function operationOf(sqlText: string): string {
  return /^\s*(\w+)/.exec(sqlText)?.[1]?.toUpperCase() ?? 'QUERY';
}

/** One recorded request: its span, and the async context its database queries are parented from. */
class RecordedRequest implements RequestTrace {
  /** Whether an operation of this request entered the async context (a batch may hold several). */
  entered = false;
  private parent: Context | undefined;

  constructor(
    readonly span: Span,
    private readonly tracer: Tracer,
  ) {}

  get traceId(): string {
    return this.span.spanContext().traceId;
  }

  /** The context that makes the request's span the parent, built once and only when a child needs it. */
  context(): Context {
    return (this.parent ??= trace.setSpan(ROOT_CONTEXT, this.span));
  }

  /** A child span per full verification: the outcome or the refusal's reason, never the token. */
  async traceVerification<T>(verify: () => Promise<T>): Promise<T> {
    const span = this.tracer.startSpan('jwt.verify', undefined, this.context());
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
    this.span.addEvent('authz.decision', attributesOfDecision(info, allowed));
  }

  annotate(details: Parameters<RequestTrace['annotate']>[0]): void {
    const { operationName, operationType, outcome, subject } = details;
    const { span } = this;
    span.updateName([operationType ?? 'graphql', operationName].filter(Boolean).join(' '));
    if (operationName) span.setAttribute('graphql.operation.name', operationName);
    if (operationType) span.setAttribute('graphql.operation.type', operationType);
    span.setAttribute('graphql.outcome', outcome);
    // The subject alone: no username, scope or claim from the token.
    if (subject !== undefined) span.setAttribute('enduser.id', subject);
    if (outcome === 'error') span.setStatus({ code: SpanStatusCode.ERROR });
  }
}

class OpenTelemetryTracing implements Tracing {
  /** The recorded requests being served, each from its arrival until its response closes. */
  private readonly recorded = new WeakMap<FastifyRequest, RecordedRequest>();
  /** Whether an operation needs the async context: decided once per document, which Apollo caches. */
  private readonly needsContext = new WeakMap<OperationDefinitionNode, boolean>();

  constructor(
    private readonly sdk: NodeSDK,
    private readonly tracer: Tracer,
    private readonly contextManager: SwitchedContextManager,
    private readonly sampling: RootSampling,
  ) {}

  /**
   * A SERVER span per recorded GraphQL HTTP request, continuing the caller's W3C `traceparent` when there
   * is one. It starts when the request arrives and ends when the response closes, sent or aborted.
   */
  readonly startRequest: onRequestHookHandler = (request, reply, done) => {
    const { traceparent } = request.headers;
    // A request the sampler would drop costs one comparison: no span, no ids drawn (about 7% of an
    // unsampled request's instructions went to the span the SDK builds only to drop it).
    if (!this.sampling.rootSampled(traceparent !== undefined)) return done();
    const parent =
      traceparent === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, request.headers);
    const attributes = REQUEST_ATTRIBUTES[request.method] ?? {
      'url.path': '/graphql',
      'http.request.method': request.method,
    };
    const span = this.tracer.startSpan('graphql', { kind: SpanKind.SERVER, attributes }, parent);
    if (!span.isRecording()) return done();
    const recorded = new RecordedRequest(span, this.tracer);
    this.recorded.set(request, recorded);
    // 'close' comes once, when the response is sent or the connection is gone: no hook for every
    // request, and no once() wrapper to build and remove.
    reply.raw.on('close', () => {
      span.setAttribute('http.response.status_code', reply.raw.statusCode);
      if (!reply.raw.writableFinished) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'aborted by the client' });
      } else if (reply.raw.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      this.finish(request, recorded);
    });
    done();
  };

  requestTrace(request: FastifyRequest): RequestTrace | undefined {
    return this.recorded.get(request);
  }

  /**
   * Wraps every field that has a resolver or a permission rule: a recorded operation that may query the
   * database resolves its fields inside the request's context, so that onQuery finds the request. Each
   * field enters it itself, because graphql-js continues a field's children outside the promise its
   * resolver returned. Plain properties (the object types' simple resolvers) are left alone, and so are the
   * fields marked token-only: they query nothing, and `me`, most of the traffic, then pays no wrapper on the
   * requests that are not recorded.
   */
  instrumentSchema(schema: GraphQLSchema): GraphQLSchema {
    const enter = (
      resolve: GraphQLFieldResolver<unknown, RequestContext>,
      parent: unknown,
      args: Record<string, unknown>,
      ctx: RequestContext,
      info: GraphQLResolveInfo,
    ): unknown => {
      const recorded = ctx.trace instanceof RecordedRequest ? ctx.trace : undefined;
      if (!recorded || !this.entersContext(recorded, info)) return resolve(parent, args, ctx, info);
      return context.with(recorded.context(), resolve, undefined, parent, args, ctx, info);
    };
    const wrapped: IMiddlewareTypeMap = {};
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      const fields = Object.values(type.getFields()).filter(
        (field) => field.resolve !== undefined && !isTokenOnly(field),
      );
      if (fields.length > 0)
        // Typed as returning a promise, a middleware's value is passed on as it is: sync stays sync.
        wrapped[type.name] = Object.fromEntries(
          fields.map((field) => [field.name, enter as IMiddlewareFunction]),
        );
    }
    return applyMiddleware(schema, wrapped);
  }

  private entersContext(recorded: RecordedRequest, info: GraphQLResolveInfo): boolean {
    let needs = this.needsContext.get(info.operation);
    if (needs === undefined) {
      needs = !readsOnlyTheToken(info.schema, info.operation, info.fragments);
      this.needsContext.set(info.operation, needs);
    }
    if (needs && !recorded.entered) {
      recorded.entered = true;
      this.contextManager.hold();
    }
    return needs;
  }

  private finish(request: FastifyRequest, recorded: RecordedRequest): void {
    this.recorded.delete(request);
    recorded.span.end();
    // The last request in flight that entered the context switches it off, until the next one enters.
    if (recorded.entered) this.contextManager.release();
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
  const contextManager = new SwitchedContextManager();
  const sampling = rootSamplingFor(config);
  const sdk = new NodeSDK({
    serviceName: config.serviceName,
    contextManager,
    sampler: sampling.sampler,
    spanProcessors: spanProcessors ?? [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${config.otlpEndpoint}/v1/traces` }), {
        maxExportBatchSize: config.exportBatchSize,
      }),
    ],
    // Only the spans above: request, token and query are what this API has to say.
    instrumentations: [],
    // Traces only. Left to itself the SDK also starts an OTLP metric reader (every 60 s) and log exporter
    // to the same endpoint: metrics are Prometheus's here, logs pino's.
    metricReaders: [],
    logRecordProcessors: [],
  });
  // Starting runs resource detection inside context.with, which leaves the context off again.
  sdk.start();
  return new OpenTelemetryTracing(sdk, trace.getTracer('graphql-jwt-api'), contextManager, sampling);
}

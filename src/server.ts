import fastifyApollo from '@as-integrations/fastify';
import cors from '@fastify/cors';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { type GraphQLSchema } from 'graphql';
import { createAuthenticator } from './auth/authenticate';
import { type TokenService } from './auth/token-service';
import { type Services } from './bootstrap';
import { type Config } from './config';
import { buildWiredSchema } from './graphql/schema';
import { type ResolverDependencies } from './graphql/resolvers';
import { logRouteFailure } from './logger';
import { applyPermissions } from './permissions/rules';
import { createApollo } from './server/apollo';
import { errorFormatterFor } from './server/format-error';
import { batchLimit } from './server/batch-limit';
import { createContextFunction } from './server/context';
import { Lifecycle } from './server/lifecycle';
import { REQUEST_ID_HEADER, requestIdOf } from './server/request-id';
import { htmlPageHeaders, registerExplorer } from './server/explorer';
import { explorerHeaders } from './server/landing-page';
import { registerRoutes } from './server/routes';
import { documentGate } from './server/trusted-document-gate';
import { trustedDocumentsFor } from './trusted-documents/manifest';
import { pinnedDocuments } from './trusted-documents/pinned-documents';
import { trustProxyFunction } from './server/trust-proxy';
import { abuseProtection } from './server/abuse-limits';
import { attachSubscriptions } from './realtime/websocket';
import { type Metrics, NO_METRICS } from './observability/metrics';
import { type PrometheusMetrics } from './observability/prometheus-metrics';
import { metricsHandler } from './observability/metrics-endpoint';
import { type Tracing } from './observability/tracing-hooks';

export type ServerDependencies = ResolverDependencies &
  Pick<Services, 'database' | 'revocations' | 'audit' | 'api' | 'access'> & {
    readonly tokens: TokenService;
    /** Shutdown state that src/index.ts drives; tests leave it out. */
    readonly lifecycle?: Lifecycle;
    /** Present when METRICS_PORT or METRICS_TOKEN is set (src/index.ts builds it); absent, nothing is counted. */
    readonly metrics?: PrometheusMetrics;
    /** Present when OTEL_EXPORTER_OTLP_ENDPOINT is set; absent, no span is made and no hook installed. */
    readonly tracing?: Tracing;
  };

/** How often Node looks for connections past their header or request timeout. */
const TIMEOUT_CHECK_MS = 1000;
/** What browsers may send cross-origin: JSON, a token, and the headers Apollo's CSRF check accepts. */
const CORS_HEADERS = ['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name'];

/**
 * The executable schema: the resolvers wired to their services, the permission map applied (denials
 * counted, each check traced when tracing is on), the same one HTTP and WebSocket execute.
 */
async function permittedSchema(
  config: Config,
  deps: ServerDependencies,
  metrics: Metrics,
): Promise<GraphQLSchema> {
  const { tracing } = deps;
  return applyPermissions(
    await buildWiredSchema(deps, config.authorization.scopeClosure),
    deps.api.permissions,
    deps.access,
    {
      onDenied: (field) => metrics.accessDenied(field),
      ...(tracing && { traceCheck: (field, check) => tracing.tracePermissionCheck(field, check) }),
    },
  );
}

/**
 * Builds the HTTP server: GraphQL at /graphql (Apollo on fastify) and the routes beside it
 * (server/routes.ts). It does not listen; src/index.ts does. Closing it stops accepting connections, lets
 * in-flight requests finish, then stops Apollo. The database belongs to the caller, who closes it after.
 */
export async function createServer(config: Config, deps: ServerDependencies): Promise<FastifyInstance> {
  const log = deps.logger;
  const metrics = deps.metrics ?? NO_METRICS;
  // No fastify logger: a GraphQL request gets its one line from the request plugin and failures elsewhere
  // are logged by the error handler below; fastify's own request logging costs instructions on every
  // request even at `warn` (bench/README.md).
  const app = Fastify({
    genReqId: requestIdOf,
    bodyLimit: config.http.bodyLimitBytes,
    requestTimeout: config.http.requestTimeoutMs,
    // Node checks the header and request timeouts every connectionsCheckingInterval (30 s by default), so
    // a 10 s header timeout fired after up to 40 s; checking every second makes them hold within one.
    http: { headersTimeout: config.http.headersTimeoutMs, connectionsCheckingInterval: TIMEOUT_CHECK_MS },
    trustProxy: trustProxyFunction(config.server.trustProxy),
  });
  app.setErrorHandler<FastifyError>((error, request, reply) => {
    logRouteFailure(log, request.id, error);
    void reply.header(REQUEST_ID_HEADER, request.id);
    // On to fastify's default handler, which answers with the status and its usual JSON body.
    reply.send(error);
  });
  const { corsOrigins } = config.http;
  // No allowed origin (the production default): no CORS headers at all, and no hook on every request.
  if (corsOrigins === true || corsOrigins.length > 0) {
    await app.register(cors, {
      origin: corsOrigins === true ? true : [...corsOrigins],
      methods: ['GET', 'POST'],
      allowedHeaders: CORS_HEADERS,
      maxAge: 600,
    });
  }

  const { tracing } = deps;
  // Before any route, so that GraphQL requests get their span from the moment they arrive.
  tracing?.instrumentServer(app);
  const schema = await permittedSchema(config, deps, metrics);
  const validationRules = abuseProtection(config.graphql).validationRules;
  // Read and checked now: a manifest that cannot be trusted stops startup (ManifestError).
  const trusted = trustedDocumentsFor(config.trustedDocuments);
  const trustedOptions = trusted && {
    mode: config.trustedDocuments.mode as 'allow' | 'only',
    documents: trusted,
    allowIntrospection: config.trustedDocuments.allowIntrospection && config.graphql.introspection,
    maxTokens: config.graphql.maxTokens,
  };
  const formatError = errorFormatterFor(config);
  const pinned = trusted && pinnedDocuments(schema, trusted.texts(), validationRules);
  // Trusted operations are named by the team that wrote them: their names get a metrics series each.
  if (pinned) metrics.nameOperations(pinned.values());
  const apollo = createApollo(schema, config, { ...deps, metrics, formatError, pinned });
  await apollo.start();
  app.addHook('onClose', async () => apollo.stop());
  const lifecycle = deps.lifecycle ?? new Lifecycle();
  registerRoutes(app, config, {
    tokens: deps.tokens,
    database: deps.database,
    revocations: deps.revocations,
    log,
    lifecycle,
  });
  // The self-hosted explorer goes wherever introspection does (it is useless without it).
  // HTML pages exist only where introspection is on: no hook on every request elsewhere.
  if (config.graphql.introspection) {
    htmlPageHeaders(app);
    registerExplorer(app, explorerHeaders(config, deps.tokens));
  }
  const metricsToken = config.observability.metrics.token;
  if (deps.metrics && metricsToken) app.get('/metrics', metricsHandler(deps.metrics, metricsToken));
  if (config.graphql.batchLimit > 0) app.addHook('preHandler', batchLimit(config.graphql.batchLimit));
  // After the batch limit: ids are resolved for batches that may run at all.
  if (trustedOptions) app.addHook('preHandler', documentGate({ ...trustedOptions, log }));
  const authenticate = createAuthenticator(deps.tokens);
  const traceId = tracing && (() => tracing.currentTraceId());
  await app.register(fastifyApollo(apollo), {
    // OPTIONS is @fastify/cors's: its preflight answers carry the allow-list.
    method: ['GET', 'POST'],
    context: createContextFunction({
      authenticate: tracing ? tracing.traceAuthenticate(authenticate) : authenticate,
      realm: config.jwt.audience,
      log,
      metrics,
      traceId,
    }),
  });
  const subscriptions = attachSubscriptions(app, config, {
    schema,
    authenticate,
    revocations: deps.tokens.revocations,
    audit: deps.audit,
    validationRules,
    trustedDocuments: trustedOptions,
    permissions: deps.api.permissions,
    access: deps.access,
    formatError,
    lifecycle,
    log,
    metrics,
  });
  // Sockets close (1001) as the server starts closing, once SHUTDOWN_DELAY's drain is over: an open
  // WebSocket would otherwise keep the HTTP server from ever closing.
  app.addHook('preClose', async () => subscriptions.close());
  return app;
}

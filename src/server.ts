import { type ApolloServer } from '@apollo/server';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import cors from '@fastify/cors';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { type Logger } from 'pino';
import { type Authenticate, createAuthenticator } from './auth/authenticate';
import { type TokenService } from './auth/token-service';
import { type Services } from './bootstrap';
import { type Config } from './config';
import { type ResolverDependencies } from './graphql/resolvers';
import { logRouteFailure } from './logger';
import { CLIENT_NAME_HEADER, CLIENT_VERSION_HEADER } from './observability/client-awareness';
import { type Metrics, NO_METRICS } from './observability/metrics';
import { metricsHandler } from './observability/metrics-endpoint';
import { type PrometheusMetrics } from './observability/prometheus-metrics';
import { type Tracing } from './observability/tracing-hooks';
import { attachSubscriptions } from './realtime/websocket';
import { type RequestContext } from './request-context';
import { createApollo } from './server/apollo';
import { batchLimit } from './server/batch-limit';
import { createContextFunction } from './server/context';
import { addGraphQLRouteHook } from './server/graphql-route';
import { htmlPageHeaders, registerExplorer } from './server/explorer';
import { type GraphQLPipeline, graphqlPipeline } from './server/graphql-pipeline';
import { PinnedExecution } from './server/pinned-execution';
import { responseHooks, type ResponseHooks } from './server/response.plugin';
import { explorerHeaders } from './server/landing-page';
import { Lifecycle } from './server/lifecycle';
import { REQUEST_ID_HEADER, requestIdOf } from './server/request-id';
import { registerRoutes } from './server/routes';
import { documentGate } from './server/trusted-document-gate';
import { trustProxyFunction } from './server/trust-proxy';

export type ServerDependencies = ResolverDependencies &
  Pick<Services, 'database' | 'notifications' | 'audit' | 'api' | 'access'> & {
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
/**
 * What browsers may send cross-origin: JSON, a token, the headers Apollo's CSRF check accepts, and the
 * client name and version Apollo Client sends once the app sets `clientAwareness` (without them in the
 * preflight's answer, the browser refuses every request of such an app).
 */
const CORS_HEADERS = [
  'content-type',
  'authorization',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  CLIENT_NAME_HEADER,
  CLIENT_VERSION_HEADER,
];

/**
 * fastify with our limits and timeouts, the error handler for routes outside GraphQL, and CORS when
 * CORS_ORIGINS allows any origin. No fastify logger: a GraphQL request gets its one line from the request
 * plugin and failures elsewhere are logged by the error handler; fastify's own request logging costs
 * instructions on every request even at `warn` (bench/README.md).
 */
async function createFastify(config: Config, log: Logger): Promise<FastifyInstance> {
  const app = Fastify({
    genReqId: requestIdOf,
    bodyLimit: config.http.bodyLimitBytes,
    requestTimeout: config.http.requestTimeoutMs,
    // Node checks the header and request timeouts every connectionsCheckingInterval (30 s by default), so
    // a 10 s header timeout fired after up to 40 s; checking every second makes them hold within one.
    // The request timeout goes to Node too: fastify sets it only once the server exists, and Node refuses
    // a header timeout above its own default request timeout (300 s) when the server is made.
    http: {
      requestTimeout: config.http.requestTimeoutMs,
      headersTimeout: config.http.headersTimeoutMs,
      connectionsCheckingInterval: TIMEOUT_CHECK_MS,
    },
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
  return app;
}

/** Routes beside GraphQL: health, readiness and keys (routes.ts), the explorer pages, metrics on a token. */
function registerSideRoutes(
  app: FastifyInstance,
  config: Config,
  deps: ServerDependencies,
  lifecycle: Lifecycle,
): void {
  const { tokens, database, notifications, logger: log } = deps;
  registerRoutes(app, config, { tokens, database, notifications, log, lifecycle });
  // The explorer pages go wherever introspection does (they are useless without it), and so does the hook
  // that keeps HTML uncached and unshared: no hook on every request elsewhere.
  if (config.graphql.introspection) {
    htmlPageHeaders(app);
    registerExplorer(app, explorerHeaders(config, tokens));
  }
  const metricsToken = config.observability.metrics.token;
  if (deps.metrics && metricsToken) app.get('/metrics', metricsHandler(deps.metrics, metricsToken));
}

/**
 * GraphQL over HTTP at /graphql: the batch limit and the trusted-document gate in front of Apollo, the
 * context function that turns the Authorization header into the caller's identity, and pinned trusted
 * documents run without Apollo's pipeline where they can be (pinned-execution.ts).
 */
function registerGraphQL(
  app: FastifyInstance,
  apollo: ApolloServer<RequestContext>,
  config: Config,
  deps: Omit<ServerDependencies, 'metrics'> & {
    readonly metrics: Metrics;
    readonly authenticate: Authenticate;
    readonly responses: ResponseHooks;
    /** Off with usage reporting: its Apollo plugin must see every operation. */
    readonly runPinned: boolean;
  },
  pipeline: GraphQLPipeline,
): void {
  const { tracing, logger: log, metrics, authenticate } = deps;
  const { trusted, pinned } = pipeline;
  if (config.graphql.batchLimit > 0) app.addHook('preHandler', batchLimit(config.graphql.batchLimit));
  // After the batch limit: ids are resolved for batches that may run at all.
  if (trusted) addGraphQLRouteHook(app, 'preHandler', documentGate({ ...trusted, log }));
  const context = createContextFunction({
    authenticate,
    realm: config.jwt.audience,
    log,
    metrics,
    ...(tracing && { requestTrace: (request) => tracing.requestTrace(request) }),
  });
  const direct =
    pinned && pinned.size > 0 && deps.runPinned
      ? new PinnedExecution({ ...pipeline, pinned, hooks: deps.responses }, context)
      : undefined;
  const apolloHandler = fastifyApolloHandler(apollo, {
    context: direct ? direct.contextFunction() : context,
  });
  app.route<{ Reply: string }>({
    // OPTIONS is @fastify/cors's: its preflight answers carry the allow-list.
    method: ['GET', 'POST'],
    url: '/graphql',
    handler: direct
      ? async (request, reply) =>
          (await direct.run(request, reply)) ?? apolloHandler.call(app, request, reply)
      : apolloHandler,
  });
}

/**
 * Builds the HTTP server: GraphQL at /graphql over HTTP (Apollo on fastify) and WebSocket (graphql-ws), both
 * through one pipeline (server/graphql-pipeline.ts), and the routes beside it. It does not listen; the
 * caller does. Closing it closes the sockets, stops accepting connections, lets in-flight requests finish,
 * then stops Apollo. The database belongs to the caller, who closes it after.
 */
export async function createServer(config: Config, deps: ServerDependencies): Promise<FastifyInstance> {
  const metrics = deps.metrics ?? NO_METRICS;
  const app = await createFastify(config, deps.logger);
  // Before any route, so that GraphQL requests get their span from the moment they arrive.
  if (deps.tracing) addGraphQLRouteHook(app, 'onRequest', deps.tracing.startRequest);
  const pipeline = await graphqlPipeline(config, deps, metrics);
  const reporting = config.graphos.usageReporting;
  // Required only when configured: with reporting off, Apollo's reporting plugin is never loaded.
  const usageReporting =
    reporting &&
    (await import('./server/usage-reporting.plugin')).usageReportingPlugin(reporting, deps.logger);
  const responses = responseHooks(deps.logger, config.jwt.audience, metrics);
  const apollo = createApollo(pipeline, config, {
    ...deps,
    responses,
    ...(usageReporting && { usageReporting }),
  });
  await apollo.start();
  app.addHook('onClose', async () => apollo.stop());
  const lifecycle = deps.lifecycle ?? new Lifecycle();
  registerSideRoutes(app, config, deps, lifecycle);
  const authenticate = createAuthenticator(deps.tokens);
  registerGraphQL(
    app,
    apollo,
    config,
    { ...deps, metrics, authenticate, responses, runPinned: !usageReporting },
    pipeline,
  );
  const subscriptions = attachSubscriptions(app, config, {
    ...pipeline,
    authenticate,
    revocationRegistry: deps.tokens.revocations,
    audit: deps.audit,
    permissions: deps.api.permissions,
    access: deps.access,
    lifecycle,
    log: deps.logger,
    metrics,
  });
  // Sockets close (1001) as the server starts closing, once SHUTDOWN_DELAY's drain is over: an open
  // WebSocket would otherwise keep the HTTP server from ever closing.
  app.addHook('preClose', async () => subscriptions.close());
  return app;
}

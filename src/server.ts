import { randomUUID } from 'node:crypto';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import fastifyApollo from '@as-integrations/fastify';
import cors from '@fastify/cors';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { type Logger } from 'pino';
import { type AccountService } from './accounts/account-service';
import { type UserAdminService } from './accounts/user-admin-service';
import { createContextFunction } from './auth/context';
import { type RequestContext } from './auth/identity';
import { type TokenService } from './auth/token-service';
import { type Config } from './config';
import { type Database } from './db/database';
import { ping } from './db/migrations';
import { abuseProtection } from './graphql/abuse-limits';
import { createErrorFormatter } from './graphql/format-error';
import { landingPage } from './graphql/landing-page';
import { IssueTokenResolver } from './graphql/issue-token.resolver';
import { responsePlugin } from './graphql/response.plugin';
import { buildApiSchema } from './graphql/schema';
import { SessionResolver } from './graphql/session.resolver';
import { UsersResolver } from './graphql/users.resolver';
import { logRouteFailure } from './logger';
import { applyPermissions } from './permissions/rules';

export interface ServerDependencies {
  readonly logger: Logger;
  readonly tokens: TokenService;
  readonly accounts: AccountService;
  readonly users: UserAdminService;
  readonly database: Database;
}

/** Verifiers may cache our keys this long; a new key is added well before it signs (see README). */
const JWKS_MAX_AGE_SECONDS = 300;
/** /readyz answers within this, whatever the database does. */
const READINESS_TIMEOUT_MS = 2000;
/** What browsers may send cross-origin: JSON, a token, and the headers Apollo's CSRF check accepts. */
const CORS_HEADERS = ['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name'];

/**
 * Builds the HTTP server: GraphQL at /graphql (Apollo on fastify), GET /healthz and GET /readyz. It does not
 * listen; src/index.ts does. Closing it stops accepting connections, lets in-flight requests finish, then
 * stops Apollo. The database belongs to the caller, who closes it after the server.
 */
export async function createServer(config: Config, deps: ServerDependencies): Promise<FastifyInstance> {
  const development = config.env === 'development';
  // No fastify logger: a GraphQL request gets its one line from the request plugin, failures elsewhere are
  // logged by the error handler below, and fastify's own request logging (two lines per request, a child
  // logger and response listeners) cost about 3% of a `me` request in instructions even at `warn`
  // (bench/README.md).
  const log = deps.logger;
  const app = Fastify({
    genReqId: () => randomUUID(),
    bodyLimit: config.http.bodyLimitBytes,
    requestTimeout: config.http.requestTimeoutMs,
    trustProxy:
      typeof config.server.trustProxy === 'boolean'
        ? config.server.trustProxy
        : [...config.server.trustProxy],
  });
  app.server.headersTimeout = config.http.headersTimeoutMs;
  app.setErrorHandler<FastifyError>((error, request, reply) => {
    logRouteFailure(log, request.id, error);
    // On to fastify's default handler, which answers with the status and its usual JSON body.
    reply.send(error);
  });
  const realm = config.jwt.audience;
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

  const resolvers = new Map<unknown, object>([
    [IssueTokenResolver, new IssueTokenResolver(deps.tokens, log)],
    [SessionResolver, new SessionResolver(deps.accounts)],
    [UsersResolver, new UsersResolver(deps.users)],
  ]);
  const schema = await buildApiSchema({
    get: (resolverClass: new () => object) => resolvers.get(resolverClass) ?? new resolverClass(),
  });

  const limits = abuseProtection(config.graphql);
  const apollo = new ApolloServer<RequestContext>({
    schema: applyPermissions(schema),
    introspection: config.graphql.introspection,
    includeStacktraceInErrorResponses: development,
    formatError: createErrorFormatter({
      exposeInternals: development,
      hideSuggestions: !config.graphql.introspection,
      maxTokens: config.graphql.maxTokens,
    }),
    logger: log,
    // graphql-js stops lexing past this many tokens: the cheapest place to refuse a huge document.
    parseOptions: { maxTokens: config.graphql.maxTokens },
    validationRules: limits.validationRules,
    allowBatchedHttpRequests: config.graphql.batchLimit > 0,
    // Mobile SDKs send a query's hash first; the cache of full queries is bounded in size and age.
    persistedQueries:
      config.graphql.apqCacheBytes > 0
        ? {
            cache: new InMemoryLRUCache<string>({ maxSize: config.graphql.apqCacheBytes }),
            ttl: config.graphql.apqTtlSeconds,
          }
        : false,
    // src/index.ts owns the signals and closes fastify, which stops Apollo below.
    stopOnTerminationSignals: false,
    plugins: [
      // No field sets cache hints, and the default cache-control plugin costs a hook call on every field.
      ApolloServerPluginCacheControlDisabled(),
      ...(limits.plugins as ApolloServerPlugin<RequestContext>[]),
      responsePlugin(log, realm),
      landingPage(config, deps.tokens),
    ],
  });
  await apollo.start();
  app.addHook('onClose', async () => apollo.stop());

  app.get('/healthz', async () => ({ status: 'ok' }));
  // Other services verify this API's RS256/ES256 tokens with these keys; an HS secret is never published.
  const jwks = deps.tokens.jwks();
  app.get('/.well-known/jwks.json', async (_request, reply) =>
    reply.header('cache-control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`).send(jwks),
  );
  app.get('/readyz', async (request, reply) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        ping(deps.database.db),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error('database did not answer in time')),
            READINESS_TIMEOUT_MS,
          );
        }),
      ]);
      return { status: 'ready' };
    } catch (error) {
      log.warn(
        { reqId: request.id, err: { message: (error as Error).message } },
        'not ready: database unavailable',
      );
      return reply.code(503).send({ status: 'unavailable' });
    } finally {
      clearTimeout(timer);
    }
  });
  if (config.graphql.batchLimit > 0) {
    const limit = config.graphql.batchLimit;
    app.addHook('preHandler', async (request, reply) => {
      if (Array.isArray(request.body) && request.body.length > limit) {
        const message = `A batch may hold at most ${limit} operations.`;
        return reply.code(400).send({ errors: [{ message, extensions: { code: 'BATCH_LIMIT_EXCEEDED' } }] });
      }
      return undefined;
    });
  }
  await app.register(fastifyApollo(apollo), {
    // OPTIONS is @fastify/cors's: its preflight answers carry the allow-list.
    method: ['GET', 'POST'],
    context: createContextFunction({ tokens: deps.tokens, realm, log }),
  });
  return app;
}

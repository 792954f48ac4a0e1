import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import fastifyApollo from '@as-integrations/fastify';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { applyMiddleware } from 'graphql-middleware';
import { type Logger } from 'pino';
import { type AccountService } from './accounts/account-service';
import { type UserAdminService } from './accounts/user-admin-service';
import { createContextFunction } from './auth/context';
import { type RequestContext } from './auth/identity';
import { type TokenService } from './auth/token-service';
import { type Config } from './config';
import { type Database } from './db/database';
import { ping } from './db/migrations';
import { createErrorFormatter } from './graphql/format-error';
import { IssueTokenResolver } from './graphql/issue-token.resolver';
import { responseStatusPlugin } from './graphql/response-status.plugin';
import { buildApiSchema } from './graphql/schema';
import { SessionResolver } from './graphql/session.resolver';
import { UsersResolver } from './graphql/users.resolver';
import { createPermissions } from './permissions/rules';

export interface ServerDependencies {
  readonly logger: Logger;
  readonly tokens: TokenService;
  readonly accounts: AccountService;
  readonly users: UserAdminService;
  readonly database: Database;
}

/** /readyz answers within this, whatever the database does. */
const READINESS_TIMEOUT_MS = 2000;

/**
 * Builds the HTTP server: GraphQL at /graphql (Apollo on fastify), GET /healthz and GET /readyz. It does not
 * listen; src/index.ts does. Closing it stops accepting connections, lets in-flight requests finish, then
 * stops Apollo. The database belongs to the caller, who closes it after the server.
 */
export async function createServer(config: Config, deps: ServerDependencies): Promise<FastifyInstance> {
  const development = config.env === 'development';
  const app = Fastify({
    // The cast pins fastify's logger type parameter, so the instance matches FastifyInstance's default.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    loggerInstance: deps.logger as FastifyBaseLogger,
    genReqId: () => randomUUID(),
    trustProxy:
      typeof config.server.trustProxy === 'boolean'
        ? config.server.trustProxy
        : [...config.server.trustProxy],
  });
  const realm = config.jwt.audience;

  const resolvers = new Map<unknown, object>([
    [IssueTokenResolver, new IssueTokenResolver(deps.tokens, app.log)],
    [SessionResolver, new SessionResolver(deps.accounts)],
    [UsersResolver, new UsersResolver(deps.users)],
  ]);
  const schema = await buildApiSchema({
    get: (resolverClass: new () => object) => resolvers.get(resolverClass) ?? new resolverClass(),
  });

  const apollo = new ApolloServer<RequestContext>({
    schema: applyMiddleware(schema, createPermissions()),
    introspection: config.env !== 'production',
    includeStacktraceInErrorResponses: development,
    formatError: createErrorFormatter(app.log, { exposeInternals: development }),
    logger: app.log,
    // src/index.ts owns the signals and closes fastify, which stops Apollo below.
    stopOnTerminationSignals: false,
    plugins: [
      responseStatusPlugin(realm),
      config.env === 'production'
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
    ],
  });
  await apollo.start();
  app.addHook('onClose', async () => apollo.stop());

  app.get('/healthz', async () => ({ status: 'ok' }));
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
      request.log.warn({ err: { message: (error as Error).message } }, 'not ready: database unavailable');
      return reply.code(503).send({ status: 'unavailable' });
    } finally {
      clearTimeout(timer);
    }
  });
  await app.register(fastifyApollo(apollo), {
    context: createContextFunction({ tokens: deps.tokens, realm }),
  });
  return app;
}

import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import fastifyApollo from '@as-integrations/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { applyMiddleware } from 'graphql-middleware';
import { authChallengePlugin } from './auth/challenge.plugin';
import { createContextFunction } from './auth/context';
import { type RequestContext } from './auth/identity';
import { type TokenService } from './auth/token-service';
import { type Config } from './config';
import { createErrorFormatter } from './graphql/format-error';
import { IssueTokenResolver } from './graphql/issue-token.resolver';
import { buildApiSchema } from './graphql/schema';
import { createPermissions } from './permissions/rules';

export interface ServerDependencies {
  readonly tokens: TokenService;
  /** Where the JSON log lines go (stdout when absent); tests pass a stream to read them. */
  readonly logStream?: { write(line: string): void };
}

/** Headers that carry credentials; pino replaces them wherever a request is logged. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

/**
 * Builds the HTTP server: GraphQL at /graphql (Apollo on fastify), GET /healthz. It does not listen;
 * src/index.ts does. Closing it stops accepting connections, lets in-flight requests finish, then stops Apollo.
 */
export async function createServer(config: Config, deps: ServerDependencies): Promise<FastifyInstance> {
  const development = config.env === 'development';
  const app = Fastify({
    logger: {
      level: config.server.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      ...(deps.logStream && { stream: deps.logStream }),
    },
    genReqId: () => randomUUID(),
  });
  const realm = config.jwt.audience;

  const resolvers = new Map<unknown, object>([
    [IssueTokenResolver, new IssueTokenResolver(deps.tokens, app.log)],
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
      authChallengePlugin(realm),
      config.env === 'production'
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
    ],
  });
  await apollo.start();
  app.addHook('onClose', async () => apollo.stop());

  app.get('/healthz', async () => ({ status: 'ok' }));
  await app.register(fastifyApollo(apollo), {
    context: createContextFunction({ tokens: deps.tokens, realm }),
  });
  return app;
}

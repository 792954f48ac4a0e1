import 'reflect-metadata';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import fastifyApollo from '@as-integrations/fastify';
import Fastify from 'fastify';
import { buildWiredSchema } from '../../src/graphql/schema';
import { type RequestContext } from '../../src/request-context';
import { announce, CALLER } from '../fixtures';
import { seededServices } from '../seed';

/**
 * (2) The same schema and resolvers on bare Apollo Server with the same fastify integration, but no token
 * verification and no shield rules: every request gets a fixed identity. (1) minus (2) is what our auth
 * layer costs.
 */
async function main(): Promise<void> {
  const { services, logger, runtime } = await seededServices();
  const schema = await buildWiredSchema({ logger, ...services }, runtime.config.authorization.scopeClosure);
  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: false,
    plugins: [ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();
  const app = Fastify();
  const identity = {
    authenticated: true as const,
    issuer: 'graphql-jwt-api',
    local: true,
    subject: CALLER.subject,
    username: CALLER.username,
    scopes: CALLER.scopes,
    grantedScopes: new Set(CALLER.scopes),
    expiresAt: new Date(Date.now() + 3_600_000),
    tokenId: undefined,
    keyId: undefined,
    actor: undefined,
    sessionId: undefined,
    issuedAt: undefined,
  };
  await app.register(fastifyApollo(apollo), {
    context: async (request) => ({
      identity,
      client: { ip: request.ip, userAgent: undefined },
      requestId: request.id,
      startedAt: performance.now(),
    }),
  });
  announce(`${await app.listen({ host: '127.0.0.1', port: 0 })}/graphql`);
}

void main();

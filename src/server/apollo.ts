import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { type DocumentNode, type GraphQLSchema } from 'graphql';
import { type Logger } from 'pino';
import { type TokenService } from '../auth/token-service';
import { type Config } from '../config';
import { type Metrics } from '../observability/metrics';
import { type Tracing } from '../observability/tracing-hooks';
import { type RequestContext } from '../request-context';
import { abuseProtection } from './abuse-limits';
import { boundedDocumentStore } from './document-store';
import { type ErrorFormatter } from './format-error';
import { landingPage } from './landing-page';
import { rememberMediaTypeNegotiations } from './media-type-negotiation';
import { withPinnedDocuments } from '../trusted-documents/pinned-documents';
import { responsePlugin } from './response.plugin';

/**
 * Apollo Server over an executable schema (permissions already applied): abuse limits, error masking,
 * bounded batching and persisted queries, the status/log plugin and the landing page. Not started.
 */
export function createApollo(
  schema: GraphQLSchema,
  config: Pick<Config, 'env' | 'graphql' | 'jwt'>,
  deps: {
    readonly logger: Logger;
    readonly tokens: TokenService;
    readonly metrics: Metrics;
    readonly tracing?: Tracing;
    /** The one error formatter, which the WebSocket path applies too. */
    readonly formatError: ErrorFormatter;
    /** Trusted documents, parsed and validated at startup: never parsed or validated per request. */
    readonly pinned?: ReadonlyMap<string, DocumentNode>;
  },
): ApolloServer<RequestContext> {
  const { graphql } = config;
  const limits = abuseProtection(graphql);
  const documents = graphql.documentCacheBytes > 0 ? boundedDocumentStore(graphql.documentCacheBytes) : null;
  rememberMediaTypeNegotiations();
  return new ApolloServer<RequestContext>({
    schema,
    introspection: graphql.introspection,
    includeStacktraceInErrorResponses: config.env === 'development',
    formatError: deps.formatError,
    logger: deps.logger,
    // graphql-js stops lexing past this many tokens: the cheapest place to refuse a huge document.
    parseOptions: { maxTokens: graphql.maxTokens },
    documentStore: deps.pinned ? withPinnedDocuments(documents, deps.pinned) : documents,
    validationRules: limits.validationRules,
    allowBatchedHttpRequests: graphql.batchLimit > 0,
    // Mobile SDKs send a query's hash first; the cache of full queries is bounded in size and age.
    persistedQueries:
      graphql.apqCacheBytes > 0
        ? {
            cache: new InMemoryLRUCache<string>({ maxSize: graphql.apqCacheBytes }),
            ttl: graphql.apqTtlSeconds,
          }
        : false,
    // src/index.ts owns the signals and closes fastify, which stops Apollo.
    stopOnTerminationSignals: false,
    plugins: [
      // No field sets cache hints, and the default cache-control plugin costs a hook call on every field.
      ApolloServerPluginCacheControlDisabled(),
      ...(limits.plugins as ApolloServerPlugin<RequestContext>[]),
      responsePlugin(deps.logger, config.jwt.audience, deps.metrics, deps.tracing),
      landingPage(config, deps.tokens),
    ],
  });
}

import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { type Logger } from 'pino';
import { type TokenService } from '../auth/token-service';
import { type Config } from '../config';
import { type RequestContext } from '../request-context';
import { type GraphQLPipeline } from './graphql-pipeline';
import { landingPage } from './landing-page';
import { withPinnedDocuments } from '../trusted-documents/pinned-documents';
import { responsePlugin, type ResponseHooks } from './response.plugin';

/**
 * Apollo Server over the GraphQL pipeline (graphql-pipeline.ts: the permitted schema, the limits, the
 * error formatter, the document cache and the pinned trusted documents), with bounded batching and
 * persisted queries, the status/log plugin and the landing page. Not started.
 */
export function createApollo(
  pipeline: GraphQLPipeline,
  config: Pick<Config, 'env' | 'graphql' | 'jwt' | 'graphos'>,
  deps: {
    readonly logger: Logger;
    readonly tokens: TokenService;
    /** Shared with pinned documents run outside Apollo (pinned-execution.ts). */
    readonly responses: ResponseHooks;
    /** Built by server.ts when the configuration names a graph (usage-reporting.plugin.ts). */
    readonly usageReporting?: ApolloServerPlugin<RequestContext>;
  },
): ApolloServer<RequestContext> {
  const { graphql } = config;
  const { documents, pinned, limits } = pipeline;
  const reporting = config.graphos.usageReporting;
  return new ApolloServer<RequestContext>({
    // Only what the configuration read (Apollo would take APOLLO_KEY from the environment by itself).
    ...(reporting && deps.usageReporting && { apollo: { key: reporting.key, graphRef: reporting.graphRef } }),
    schema: pipeline.schema,
    introspection: graphql.introspection,
    includeStacktraceInErrorResponses: pipeline.includeStacktrace,
    formatError: pipeline.formatError,
    logger: deps.logger,
    // graphql-js stops lexing past this many tokens: the cheapest place to refuse a huge document.
    parseOptions: { maxTokens: graphql.maxTokens },
    documentStore: pinned ? withPinnedDocuments(documents, pinned) : documents,
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
      // Inline traces are for a subgraph that a Router queries for `_service`, which this schema has none of.
      ApolloServerPluginInlineTraceDisabled(),
      // Apollo also reads APOLLO_KEY, APOLLO_GRAPH_REF and APOLLO_SCHEMA_REPORTING from process.env itself.
      // src/index.ts parses the configuration from that same environment, and it refuses every setting on
      // which Apollo would act otherwise (one of key and ref, schema reporting, the legacy graph id), so
      // no *Disabled plugin guards it: each costs a promise in Apollo's requestDidStart on every request
      // (2.7% of `me`'s instructions for two of them, counted side by side).
      ...(deps.usageReporting ? [deps.usageReporting] : []),
      ...(limits.plugins as ApolloServerPlugin<RequestContext>[]),
      responsePlugin(deps.responses),
      landingPage(config, deps.tokens),
    ],
  });
}

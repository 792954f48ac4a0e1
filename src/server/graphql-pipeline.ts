import { type KeyValueCache } from '@apollo/utils.keyvaluecache';
import { type DocumentNode, type GraphQLSchema } from 'graphql';
import { type Config } from '../config';
import { buildWiredSchema } from '../graphql/schema';
import { type Metrics } from '../observability/metrics';
import { applyPermissions } from '../permissions/rules';
import { trustedDocumentsFor } from '../trusted-documents/manifest';
import { pinnedDocuments } from '../trusted-documents/pinned-documents';
import { type ResolveOptions } from '../trusted-documents/resolve-operation';
import { abuseProtection } from './abuse-limits';
import { boundedDocumentStore } from './document-store';
import { type ErrorFormatter, errorFormatterFor } from './format-error';
import { type Services } from '../bootstrap';
import { type ResolverDependencies } from '../graphql/resolvers';
import { type Tracing } from '../observability/tracing-hooks';

/** What the schema is wired to, and what its permission checks read and report to. */
export type PipelineDependencies = ResolverDependencies &
  Pick<Services, 'api' | 'access'> & { readonly tracing?: Tracing };

/**
 * What both transports run a GraphQL operation through, built once: the permitted schema, the limits (the
 * validation rules and armor's plugins), the one error formatter, the one bounded cache of parsed
 * documents, and the trusted documents with those parsed and validated at startup. HTTP (Apollo) and
 * WebSocket (graphql-ws) take their pieces from here, so a rule cannot hold on one and not the other.
 */
export interface GraphQLPipeline {
  readonly schema: GraphQLSchema;
  readonly limits: ReturnType<typeof abuseProtection>;
  readonly formatError: ErrorFormatter;
  /** Within GRAPHQL_DOCUMENT_CACHE_BYTES; null when that is 0. */
  readonly documents: KeyValueCache<DocumentNode> | null;
  /** TRUSTED_DOCUMENTS when not off. */
  readonly trusted: ResolveOptions | undefined;
  /** The trusted documents that passed validation, by their text. */
  readonly pinned: ReadonlyMap<string, DocumentNode> | undefined;
  /** Stack traces in error responses: development only. */
  readonly includeStacktrace: boolean;
}

/**
 * @throws ManifestError for a trusted-document manifest that cannot be trusted: startup stops
 */
export async function graphqlPipeline(
  config: Config,
  deps: PipelineDependencies,
  metrics: Metrics,
): Promise<GraphQLPipeline> {
  const { tracing } = deps;
  const permitted = applyPermissions(
    await buildWiredSchema(deps, config.authorization.scopeClosure),
    deps.api.permissions,
    deps.access,
    {
      onDenied: (field) => metrics.accessDenied(field),
      ...(tracing && {
        onDecided: (info, allowed, context) => context.trace?.recordDecision(info, allowed),
      }),
    },
  );
  // Outside the permission checks: what their rules read from the database belongs to the request too.
  const schema = tracing ? tracing.instrumentSchema(permitted) : permitted;
  const limits = abuseProtection(config.graphql);
  const documents = trustedDocumentsFor(config.trustedDocuments);
  const pinned = documents && pinnedDocuments(schema, documents.texts(), limits.validationRules);
  // Trusted operations are named by the team that wrote them: their names get a metrics series each.
  if (pinned) metrics.nameOperations(pinned.values());
  const { documentCacheBytes } = config.graphql;
  return {
    schema,
    limits,
    formatError: errorFormatterFor(config),
    documents: documentCacheBytes > 0 ? boundedDocumentStore(documentCacheBytes) : null,
    trusted: documents && {
      mode: config.trustedDocuments.mode as 'allow' | 'only',
      documents,
      allowIntrospection: config.trustedDocuments.allowIntrospection && config.graphql.introspection,
      maxTokens: config.graphql.maxTokens,
    },
    pinned,
    includeStacktrace: config.env === 'development',
  };
}

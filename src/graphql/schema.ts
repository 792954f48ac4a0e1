import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { type BuildSchemaOptions, buildSchema, type ContainerType, type PubSub } from 'type-graphql';
import { type ApiDefinition } from '../modules/api-definition';
import { describeAccess, withAccessDirectives } from '../permissions/schema-annotations';
import { type ScopeClosure } from '../scopes/hierarchy';
import { publishedOperations } from './permissions.resolver';
import { createResolvers, RESOLVERS, type ResolverDependencies } from './resolvers';

/**
 * type-graphql refuses to build subscriptions without a topic-based PubSub, even when, as here, every
 * subscription brings its own `subscribe` (events.resolver.ts: committed audit events, from the root
 * value). Nothing may publish or subscribe through this one.
 */
const NO_TOPICS: PubSub = {
  publish() {
    throw new Error('events are published by the audit trail when their transaction commits');
  },
  subscribe() {
    throw new Error('subscriptions here subscribe through their own subscribe function');
  },
};

/**
 * Builds the executable schema from the type-graphql classes of the API and its modules.
 * @param container hands type-graphql the resolver instances (resolvers.ts)
 * @param closure the scope hierarchy, which each field's description states
 */
export async function buildApiSchema(
  container: ContainerType,
  api: ApiDefinition,
  closure: ScopeClosure,
): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    // RESOLVERS is never empty, which type-graphql's NonEmptyArray cannot see through a spread.
    resolvers: [
      ...RESOLVERS,
      ...api.modules.flatMap((module) => module.resolvers),
    ] as BuildSchemaOptions['resolvers'],
    container,
    validate: false,
    pubSub: NO_TOPICS,
  });
  // Each guarded field says what it requires, in every explorer and generated client.
  return describeAccess(schema, api.permissions, closure);
}

/**
 * The committed SDL: sorted, so it changes only when the schema does, with the permission map's
 * @authenticated / @requiresScopes / @policy on each guarded field.
 */
export function printSortedSchema(schema: GraphQLSchema, api: ApiDefinition, closure: ScopeClosure): string {
  return withAccessDirectives(printSchema(lexicographicSortSchema(schema)), api.permissions, closure);
}

/**
 * The schema the server runs, its resolvers wired to `deps` (permissions not applied yet: rules.ts does),
 * the `permissions` query answering from the same map and hierarchy.
 */
export async function buildWiredSchema(
  deps: ResolverDependencies & { readonly api: ApiDefinition },
  closure: ScopeClosure,
): Promise<GraphQLSchema> {
  const operations = publishedOperations(deps.api.permissions, closure);
  return buildApiSchema(createResolvers(deps, operations), deps.api, closure);
}

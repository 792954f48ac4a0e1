import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema, type ContainerType, type PubSub } from 'type-graphql';
import { describeAccess, withAccessDirectives } from '../permissions/schema-annotations';
import { RESOLVERS } from './resolvers';

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
 * Builds the executable schema from the type-graphql classes.
 * @param container hands type-graphql the resolver instances (resolvers.ts)
 */
export async function buildApiSchema(container: ContainerType): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [...RESOLVERS],
    container,
    validate: false,
    pubSub: NO_TOPICS,
  });
  // Each protected root field says what it requires, in every explorer and generated client.
  return describeAccess(schema);
}

/**
 * The committed SDL: sorted, so it changes only when the schema does, with the permission map's
 * @authenticated / @requiresScopes on each root field.
 */
export function printSortedSchema(schema: GraphQLSchema): string {
  return withAccessDirectives(printSchema(lexicographicSortSchema(schema)), schema);
}

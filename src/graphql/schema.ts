import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema, type ContainerType } from 'type-graphql';
import { RESOLVERS } from './resolvers';

/**
 * Builds the executable schema from the type-graphql classes.
 * @param container hands type-graphql the resolver instances (resolvers.ts)
 */
export function buildApiSchema(container: ContainerType): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: [...RESOLVERS], container, validate: false });
}

/** The committed SDL: sorted, so it changes only when the schema does. */
export function printSortedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

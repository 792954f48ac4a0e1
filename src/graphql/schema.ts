import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema, type ContainerType } from 'type-graphql';
import { IssueTokenResolver } from './issue-token.resolver';
import { MeResolver } from './me.resolver';
import { PermissionsResolver } from './permissions.resolver';
import { SessionResolver } from './session.resolver';
import { UsersResolver } from './users.resolver';

export const RESOLVERS = [
  MeResolver,
  PermissionsResolver,
  IssueTokenResolver,
  SessionResolver,
  UsersResolver,
] as const;

/**
 * Builds the executable schema from the type-graphql classes.
 * @param container hands type-graphql the resolver instances, built with their dependencies by the caller
 */
export function buildApiSchema(container: ContainerType): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: [...RESOLVERS], container, validate: false });
}

/** The committed SDL: sorted, so it changes only when the schema does. */
export function printSortedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

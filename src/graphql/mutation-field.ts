import { Mutation } from 'type-graphql';

// type-graphql does not export these from its entry; its last overload has them.
type ReturnTypeFunc = Parameters<typeof Mutation>[0];
type AdvancedOptions = NonNullable<Parameters<typeof Mutation>[1]>;

/**
 * A root mutation field: type-graphql's `@Mutation`, always nullable. Mutation fields run one after
 * another, so by the time a later field fails the earlier ones have changed state. Were the failing field
 * non-null, the error would null the whole `data` (GraphQL spec, "Handling Field Errors") and the client
 * could not learn that the fields before it ran. Nullable, each field keeps its own result.
 */
export function MutationField(
  returnType: ReturnTypeFunc,
  options: Omit<AdvancedOptions, 'nullable'> & { description: string },
): MethodDecorator {
  return Mutation(returnType, { ...options, nullable: true });
}

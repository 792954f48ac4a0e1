import {
  type FragmentDefinitionNode,
  getNamedType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  isAbstractType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionNode,
} from 'graphql';
import { Extensions } from 'type-graphql';

const KEY = 'readsTokenOnly';

/*
 * Which operations answer from the verified token alone. Tracing keeps those out of the async context that
 * database spans need, which Node 20 makes every promise of the process pay for while it is on
 * (docs/operating.md, tracing): `me` is most of this API's traffic and reads no database.
 */

/**
 * Declares a field with a resolver whose own work, its permission rule and its resolver, reads nothing but
 * the verified token: no database, no other service. The fields beneath are judged on their own (`me` is
 * marked; `me { sessions }` still reads the database through `Viewer.sessions`, which is not). A mark on a
 * field that does read the database loses that query's span, nothing else; `test/http/tracing.test.ts`
 * holds the marked fields to it.
 */
export const TokenOnly = (): MethodDecorator => Extensions({ [KEY]: true });

export function isTokenOnly(field: Pick<GraphQLField<unknown, unknown>, 'extensions'>): boolean {
  return field.extensions[KEY] === true;
}

/**
 * Whether `operation` reads nothing but the token: every field it selects, through its fragments, either
 * has no resolver (a property read) or is marked {@link TokenOnly}. Introspection reads the schema.
 */
export function readsOnlyTheToken(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
): boolean {
  const root = schema.getRootType(operation.operation);
  return root != null && selectionsReadOnlyTheToken([root], operation.selectionSet.selections);

  function selectionsReadOnlyTheToken(
    types: readonly GraphQLObjectType[],
    selections: readonly SelectionNode[],
  ): boolean {
    return selections.every((selection) => {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name.startsWith('__')) return true;
        const beneath = new Set<GraphQLObjectType>();
        for (const type of types) {
          const field = type.getFields()[name];
          if (!field) continue;
          if (field.resolve && !isTokenOnly(field)) return false;
          const named = getNamedType(field.type);
          if (isObjectType(named)) beneath.add(named);
          else if (isAbstractType(named)) schema.getPossibleTypes(named).forEach((type) => beneath.add(type));
        }
        return (
          !selection.selectionSet ||
          selectionsReadOnlyTheToken([...beneath], selection.selectionSet.selections)
        );
      }
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments[selection.name.value];
      if (!fragment) return false;
      const condition = fragment.typeCondition && schema.getType(fragment.typeCondition.name.value);
      const narrowed = !condition
        ? types
        : types.filter(
            (type) => type === condition || (isAbstractType(condition) && schema.isSubType(condition, type)),
          );
      return selectionsReadOnlyTheToken(narrowed, fragment.selectionSet.selections);
    });
  }
}

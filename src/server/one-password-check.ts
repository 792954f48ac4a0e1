import {
  type ASTVisitor,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  GraphQLError,
  Kind,
  OperationTypeNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { QueryLimitError } from '../errors';

/** The root mutations that check a password: scrypt work, a throttle attempt and a session each. */
const PASSWORD_FIELDS = new Set(['login', 'changePassword']);
export const ONE_PASSWORD_MESSAGE =
  'A request may check one password: send each login or password change on its own.';

type Fragments = (name: string) => FragmentDefinitionNode | null | undefined;

/** Password-checking root fields in a selection set, through inline fragments and fragments (each once). */
function count(set: SelectionSetNode, fragments: Fragments, seen: Set<string>): number {
  let found = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if (PASSWORD_FIELDS.has(selection.name.value)) found += 1;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      found += count(selection.selectionSet, fragments, seen);
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments(selection.name.value);
      if (fragment) found += count(fragment.selectionSet, fragments, seen);
    }
  }
  return found;
}

/** How many passwords an operation checks (its `login` and `changePassword` root fields). */
export function passwordChecks(operation: OperationDefinitionNode, fragments: Fragments): number {
  return operation.operation === OperationTypeNode.MUTATION
    ? count(operation.selectionSet, fragments, new Set())
    : 0;
}

/**
 * A validation rule: a mutation may log in or change a password once. Aliases would otherwise run one
 * scrypt verification and write one session per alias, outside every per-request bound; refused before
 * anything executes (400 QUERY_LIMIT_EXCEEDED, limit "password_checks").
 */
export function onePasswordCheck(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(operation) {
      if (
        operation.operation !== OperationTypeNode.MUTATION ||
        passwordChecks(operation, (name) => context.getFragment(name)) <= 1
      )
        return;
      context.reportError(
        new GraphQLError(ONE_PASSWORD_MESSAGE, {
          nodes: operation,
          originalError: new QueryLimitError('password_checks', ONE_PASSWORD_MESSAGE),
        }),
      );
    },
  };
}

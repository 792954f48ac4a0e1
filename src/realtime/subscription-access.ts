import { Kind, type OperationDefinitionNode } from 'graphql';
import { type Identity } from '../auth/identity';
import { type AppError } from '../errors';
import { accessRefusal } from '../permissions/access-check';
import { ROOT_PERMISSIONS } from '../permissions/permission-map';

/**
 * The permission map applied to a subscription before it starts: every root field it selects must be one
 * the map names for Subscription, and the caller must meet its requirement. Refusing at subscribe time
 * (rather than on each event, where graphql-shield's middleware would run) means a refused subscription
 * never listens at all.
 * @returns the first refusal and the field it refuses (`Subscription.<name>`), or undefined when the
 * subscription may start
 */
export function subscriptionAccess(
  operation: OperationDefinitionNode,
  identity: Identity,
): { readonly field: string; readonly refusal: AppError } | undefined {
  const permissions = ROOT_PERMISSIONS.Subscription;
  for (const selection of operation.selectionSet.selections) {
    // Fragments on the root are not followed: a subscription selects exactly one root field (validation).
    if (selection.kind !== Kind.FIELD) continue;
    if (selection.name.value === '__typename') continue;
    const refusal = accessRefusal(permissions[selection.name.value], identity);
    if (refusal) return { field: `Subscription.${selection.name.value}`, refusal };
  }
  return undefined;
}

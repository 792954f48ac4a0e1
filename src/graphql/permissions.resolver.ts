import { Query, Resolver } from 'type-graphql';
import { ROOT_PERMISSIONS, type RootType } from '../permissions/permission-map';
import { OperationPermission, OperationType } from './operation-permission.type';

const TYPES: Readonly<Record<RootType, OperationType>> = {
  Query: OperationType.QUERY,
  Mutation: OperationType.MUTATION,
  Subscription: OperationType.SUBSCRIPTION,
};

// Built once: the map is frozen, so the answer never changes while the process runs.
const PERMISSIONS: readonly OperationPermission[] = Object.entries(ROOT_PERMISSIONS).flatMap(
  ([type, fields]) =>
    Object.entries(fields)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([operation, access]) =>
        Object.assign(new OperationPermission(), {
          operation,
          type: TYPES[type as RootType],
          requiresAuthentication: access.kind === 'authenticated',
          requiredScopes: access.kind === 'authenticated' ? [...access.scopes] : [],
        }),
      ),
);

@Resolver()
export class PermissionsResolver {
  @Query(() => [OperationPermission], {
    description:
      'Every root query, mutation and subscription with what it requires: the same map the server enforces.',
  })
  permissions(): readonly OperationPermission[] {
    return PERMISSIONS;
  }
}

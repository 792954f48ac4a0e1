import { Query, Resolver } from 'type-graphql';
import { type PermissionMap, ROOT_TYPES } from '../permissions/permission-map';
import { describeOwner, publishPolicy } from '../permissions/publication';
import { type ScopeClosure } from '../scopes/hierarchy';
import {
  type AccountRequirement,
  OperationPermission,
  OperationType,
  OwnerAlternative,
} from './operation-permission.type';
import { TokenOnly } from './token-only';

/** Every root field of `map`, published with the hierarchy in `closure` expanded. */
export function publishedOperations(
  map: PermissionMap,
  closure: ScopeClosure,
): readonly OperationPermission[] {
  return ROOT_TYPES.flatMap((type) =>
    Object.entries(map.fields[type] ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([operation, policy]) => {
        const published = publishPolicy(policy, closure);
        const { owner } = published;
        return Object.assign(new OperationPermission(), {
          operation,
          type: OperationType[type.toUpperCase() as keyof typeof OperationType],
          requiresAuthentication: !published.public,
          anyOfScopes: published.anyOfScopes.map((set) => [...set]),
          owner: owner
            ? Object.assign(new OwnerAlternative(), {
                description: describeOwner(owner),
                argument: owner.kind === 'parent' ? null : owner.argument,
                resource: owner.kind === 'resource' ? owner.resource : null,
              })
            : null,
          account: published.account as AccountRequirement,
          requiredScopes: policy.kind === 'guarded' ? [...(policy.anyOf[0] ?? [])] : [],
        });
      }),
  );
}

@Resolver()
export class PermissionsResolver {
  /** @param operations built once: the map is frozen, so the answer never changes while the process runs */
  constructor(private readonly operations: readonly OperationPermission[]) {}

  @Query(() => [OperationPermission], {
    description:
      'Every root query, mutation and subscription with what it requires: the same map the server enforces.',
  })
  @TokenOnly()
  permissions(): readonly OperationPermission[] {
    return this.operations;
  }
}

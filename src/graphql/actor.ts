import { type GraphQLResolveInfo } from 'graphql';
import { type Actor, type UserAdminService } from '../accounts/user-admin-service';
import { ROOT_PERMISSIONS, type RootType } from '../permissions/permission-map';
import { type RequestContext, requireLocalIdentity } from '../request-context';

/**
 * The caller of an administrative root field, checked against the database now: the token's scopes let it
 * past the permission map, and the same scopes (read from the one map) must still be the account's.
 * @throws AppError LOCAL_ACCOUNT_REQUIRED for another issuer's token; ForbiddenError for a disabled,
 * deleted or demoted account
 */
export function currentActor(
  admin: UserAdminService,
  context: RequestContext,
  info: GraphQLResolveInfo,
): Promise<Required<Actor>> {
  const identity = requireLocalIdentity(context);
  const access = ROOT_PERMISSIONS[info.parentType.name as RootType]?.[info.fieldName];
  const required = access?.kind === 'authenticated' ? access.scopes : [];
  return admin.actor({ userId: identity.subject, tokenScopes: identity.scopes }, required);
}

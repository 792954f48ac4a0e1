import { type Logger } from 'pino';
import { type ContainerType } from 'type-graphql';
import { type AccountService } from '../accounts/account-service';
import { type TokenMinting } from '../accounts/token-minting';
import { type UserAdminService } from '../accounts/user-admin-service';
import { type AuditLog } from '../audit/audit-log';
import { type SessionDirectory } from '../accounts/session-directory';
import { type LiveActors } from '../permissions/access-facts';
import { type OperationPermission } from './operation-permission.type';
import { AuditResolver } from './audit.resolver';
import { EventsResolver } from './events.resolver';
import { IssueTokenResolver } from './issue-token.resolver';
import { MeResolver } from './me.resolver';
import { PermissionsResolver } from './permissions.resolver';
import { SessionResolver } from './session.resolver';
import { UsersResolver } from './users.resolver';
import { UserSessionsResolver, ViewerSessionsResolver } from './device-sessions.resolver';

/** Every resolver class of the schema. */
export const RESOLVERS = [
  MeResolver,
  PermissionsResolver,
  IssueTokenResolver,
  SessionResolver,
  UsersResolver,
  AuditResolver,
  EventsResolver,
  ViewerSessionsResolver,
  UserSessionsResolver,
] as const;

/** What the resolvers are built with. */
export interface ResolverDependencies {
  readonly accounts: AccountService;
  readonly minting: TokenMinting;
  readonly users: UserAdminService;
  /** Where accounts are signed in, and ending those sessions. */
  readonly sessions: SessionDirectory;
  readonly auditLog: AuditLog;
  readonly logger: Logger;
  /** The callers that the permission map's live-account check let in, for the grant rules. */
  readonly access: LiveActors;
  /** The domain modules' resolver instances (src/modules/). */
  readonly moduleResolvers: readonly object[];
}

/**
 * The one place resolvers are wired: type-graphql asks this container for each resolver class and gets
 * an instance built with its services.
 */
export function createResolvers(
  deps: ResolverDependencies,
  operations: readonly OperationPermission[],
): ContainerType {
  const instances = new Map<unknown, object>([
    [MeResolver, new MeResolver()],
    [PermissionsResolver, new PermissionsResolver(operations)],
    [IssueTokenResolver, new IssueTokenResolver(deps.minting, deps.users, deps.access)],
    [SessionResolver, new SessionResolver(deps.accounts, deps.sessions)],
    [UsersResolver, new UsersResolver(deps.users, deps.access)],
    [AuditResolver, new AuditResolver(deps.auditLog)],
    [EventsResolver, new EventsResolver()],
    [ViewerSessionsResolver, new ViewerSessionsResolver(deps.sessions)],
    [UserSessionsResolver, new UserSessionsResolver(deps.sessions)],
    ...deps.moduleResolvers.map((instance): [unknown, object] => [instance.constructor, instance]),
  ]);
  return { get: (resolverClass) => instances.get(resolverClass)! };
}

/** For printing the schema, which executes nothing: asking it for a resolver is a bug. */
export const UNWIRED_RESOLVERS: ContainerType = {
  get: () => {
    throw new Error('the schema printer does not execute resolvers');
  },
};

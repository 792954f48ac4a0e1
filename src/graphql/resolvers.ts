import { type Logger } from 'pino';
import { type ContainerType } from 'type-graphql';
import { type AccountService } from '../accounts/account-service';
import { type TokenMinting } from '../accounts/token-minting';
import { type UserAdminService } from '../accounts/user-admin-service';
import { type AuditLog } from '../audit/audit-log';
import { AuditResolver } from './audit.resolver';
import { EventsResolver } from './events.resolver';
import { IssueTokenResolver } from './issue-token.resolver';
import { MeResolver } from './me.resolver';
import { PermissionsResolver } from './permissions.resolver';
import { SessionResolver } from './session.resolver';
import { UsersResolver } from './users.resolver';

/** Every resolver class of the schema. */
export const RESOLVERS = [
  MeResolver,
  PermissionsResolver,
  IssueTokenResolver,
  SessionResolver,
  UsersResolver,
  AuditResolver,
  EventsResolver,
] as const;

/** What the resolvers are built with. */
export interface ResolverDependencies {
  readonly accounts: AccountService;
  readonly minting: TokenMinting;
  readonly users: UserAdminService;
  readonly auditLog: AuditLog;
  readonly logger: Logger;
}

/**
 * The one place resolvers are wired: type-graphql asks this container for each resolver class and gets
 * an instance built with its services.
 */
export function createResolvers(deps: ResolverDependencies): ContainerType {
  const instances = new Map<unknown, object>([
    [MeResolver, new MeResolver()],
    [PermissionsResolver, new PermissionsResolver()],
    [IssueTokenResolver, new IssueTokenResolver(deps.minting, deps.users)],
    [SessionResolver, new SessionResolver(deps.accounts)],
    [UsersResolver, new UsersResolver(deps.users)],
    [AuditResolver, new AuditResolver(deps.auditLog, deps.users)],
    [EventsResolver, new EventsResolver()],
  ]);
  return { get: (resolverClass) => instances.get(resolverClass)! };
}

/** For printing the schema, which executes nothing: asking it for a resolver is a bug. */
export const UNWIRED_RESOLVERS: ContainerType = {
  get: () => {
    throw new Error('the schema printer does not execute resolvers');
  },
};

import { authenticated, owner, ownerOnly, type Policy, PUBLIC, requires } from './policy';

/*
 * The one permission map, as data (policy.ts). graphql-shield enforces it over HTTP (rules.ts), the
 * subscription gate over WebSocket (src/realtime/subscription-access.ts), and the `permissions` query, the
 * SDL's directives and the access matrix (docs/authorization.md) publish it, so what is documented is what
 * is enforced. Deny by default: a root field missing here is refused, and a test fails until it is added.
 */

export type RootType = 'Query' | 'Mutation' | 'Subscription';
export const ROOT_TYPES: readonly RootType[] = Object.freeze(['Query', 'Mutation', 'Subscription']);

/** type → field → policy. */
export type FieldPolicies = Readonly<Record<string, Readonly<Record<string, Policy>>>>;

/** What the API itself, or one domain module (src/modules/api-module.ts), declares. */
export interface PermissionDeclarations {
  /** The root types' fields, and every field of each object type that is not open. */
  readonly fields: FieldPolicies;
  /**
   * Object types whose fields anyone may read once a guarded field has handed them out: that field's
   * policy already decided whether the caller may see the object at all.
   */
  readonly openTypes: readonly string[];
}

/** The merged map the server runs with. */
export interface PermissionMap extends PermissionDeclarations {
  /** The policy of `type.field`; undefined for a field nobody declared, which is refused. */
  policyOf(type: string, field: string): Policy | undefined;
}

const ACCOUNTS_READ = [['users:read']];
const ACCOUNTS_WRITE = { anyOf: [['users:write']], account: 'live' } as const;
const AUDIT_READ = { anyOf: [['audit:read']], account: 'live' } as const;

/** The API's own fields. */
export const API_PERMISSIONS: PermissionDeclarations = {
  fields: {
    Query: {
      me: authenticated(),
      permissions: PUBLIC,
      users: requires({ anyOf: ACCOUNTS_READ, account: 'live' }),
      user: requires({ anyOf: ACCOUNTS_READ, owner: owner.argument('id'), account: 'live' }),
      auditEvents: requires(AUDIT_READ),
    },
    Mutation: {
      issueToken: requires({ anyOf: [['tokens:issue']], account: 'live' }),
      revokeToken: requires({ anyOf: [['tokens:revoke']], account: 'live' }),
      login: PUBLIC,
      refreshToken: PUBLIC,
      logout: authenticated({ account: 'local' }),
      revokeAllSessions: authenticated({ account: 'local' }),
      revokeOtherSessions: authenticated({ account: 'local' }),
      revokeSession: requires({
        anyOf: [['users:write']],
        owner: owner.resource('Session', 'id'),
        account: 'live',
      }),
      changePassword: authenticated({ account: 'local' }),
      createUser: requires(ACCOUNTS_WRITE),
      setUserScopes: requires(ACCOUNTS_WRITE),
      disableUser: requires(ACCOUNTS_WRITE),
      enableUser: requires(ACCOUNTS_WRITE),
    },
    Subscription: {
      viewerEvents: authenticated(),
      auditEvents: requires(AUDIT_READ),
    },
    // Not open, for their sessions: an account's own (read from the object), or users:read.
    Viewer: {
      id: PUBLIC,
      username: PUBLIC,
      scopes: PUBLIC,
      greeting: PUBLIC,
      tokenExpiresAt: PUBLIC,
      sessions: ownerOnly(owner.parent('id'), { account: 'local' }),
    },
    User: {
      id: PUBLIC,
      username: PUBLIC,
      scopes: PUBLIC,
      disabled: PUBLIC,
      createdAt: PUBLIC,
      updatedAt: PUBLIC,
      sessions: requires({ anyOf: ACCOUNTS_READ, owner: owner.parent('id'), account: 'live' }),
    },
  },
  openTypes: [
    'Session',
    'OperationPermission',
    'OwnerAlternative',
    'IssuedToken',
    'AuthPayload',
    'UserPage',
    'PageInfo',
    'AuditEvent',
    'AuditEventPage',
    'ViewerEvent',
  ],
};

/**
 * The API's map with each module's declarations added.
 * @throws Error for a field declared twice, or a type declared both open and field by field: two owners of
 * one decision would let one silently weaken the other
 */
export function buildPermissionMap(...declarations: readonly PermissionDeclarations[]): PermissionMap {
  const fields: Record<string, Record<string, Policy>> = {};
  const openTypes = new Set<string>();
  for (const declared of declarations) {
    for (const [type, policies] of Object.entries(declared.fields)) {
      const into = (fields[type] ??= {});
      for (const [field, policy] of Object.entries(policies)) {
        if (Object.hasOwn(into, field)) throw new Error(`permission map: ${type}.${field} is declared twice`);
        into[field] = policy;
      }
    }
    for (const type of declared.openTypes) {
      if (openTypes.has(type)) throw new Error(`permission map: open type ${type} is declared twice`);
      openTypes.add(type);
    }
  }
  for (const type of Object.keys(fields)) {
    if (openTypes.has(type))
      throw new Error(`permission map: ${type} is both open and guarded field by field`);
  }
  const frozen: FieldPolicies = Object.freeze(
    Object.fromEntries(Object.entries(fields).map(([type, policies]) => [type, Object.freeze(policies)])),
  );
  return Object.freeze({
    fields: frozen,
    openTypes: Object.freeze([...openTypes]),
    policyOf: (type: string, field: string) =>
      Object.hasOwn(frozen, type) && Object.hasOwn(frozen[type]!, field) ? frozen[type]![field] : undefined,
  });
}

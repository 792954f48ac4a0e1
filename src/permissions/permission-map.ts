/**
 * The one permission map. graphql-shield enforces it (rules.ts), the `permissions` query publishes it, and
 * the tests check it against the schema, so what is documented is what is enforced.
 * Deny by default: a root field missing here is refused, and a test fails until it is added on purpose.
 */

export type Access =
  { readonly kind: 'public' } | { readonly kind: 'authenticated'; readonly scopes: readonly string[] };

export const PUBLIC: Access = Object.freeze({ kind: 'public' });

/** A valid token holding every scope listed (none listed: any valid token). */
export function authenticated(...scopes: string[]): Access {
  return Object.freeze({ kind: 'authenticated', scopes: Object.freeze(scopes) });
}

export type RootType = 'Query' | 'Mutation' | 'Subscription';

export const ROOT_PERMISSIONS: Readonly<Record<RootType, Readonly<Record<string, Access>>>> = Object.freeze({
  Query: Object.freeze({
    me: authenticated(),
    permissions: PUBLIC,
    users: authenticated('admin'),
    auditEvents: authenticated('admin'),
  }),
  Mutation: Object.freeze({
    issueToken: authenticated('admin'),
    login: PUBLIC,
    refreshToken: PUBLIC,
    logout: authenticated(),
    revokeAllSessions: authenticated(),
    changePassword: authenticated(),
    createUser: authenticated('admin'),
    setUserScopes: authenticated('admin'),
    disableUser: authenticated('admin'),
    enableUser: authenticated('admin'),
    revokeToken: authenticated('admin'),
  }),
  Subscription: Object.freeze({
    viewerEvents: authenticated(),
    auditEvents: authenticated('admin'),
  }),
});

/**
 * Object types whose fields anyone may read once a root field has handed them out: the root field's rule
 * already decided whether the caller may see the object at all.
 */
export const OPEN_TYPES: readonly string[] = Object.freeze([
  'Viewer',
  'OperationPermission',
  'IssuedToken',
  'AuthPayload',
  'User',
  'UserPage',
  'PageInfo',
  'AuditEvent',
  'AuditEventPage',
  'ViewerEvent',
]);

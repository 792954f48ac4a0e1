/*
 * The API's own scopes. Each administrative field names the narrowest one that covers it, and `admin`
 * implies every one of them (BUILT_IN_HIERARCHY), so accounts and tokens that held `admin` before the scopes
 * were split keep every right they had. Operators add their own scopes and implications with
 * SCOPE_HIERARCHY; domain modules add theirs to the vocabulary (src/modules/api-module.ts).
 */

export const ADMIN_SCOPE = 'admin';

/** Scope → what it lets a caller do: the vocabulary the access matrix and docs/permissions.md list. */
export const API_SCOPES: Readonly<Record<string, string>> = Object.freeze({
  'users:read': 'list and read user accounts and their sessions (`users`, `user`)',
  'users:write': 'create users, set their scopes, disable and enable them, end their sessions',
  'tokens:issue': 'mint tokens for services and users (`issueToken`)',
  'tokens:revoke': 'revoke a minted token (`revokeToken`)',
  'audit:read': 'read and follow the audit trail (`auditEvents`, query and subscription)',
  [ADMIN_SCOPE]: 'every scope above',
});

/** What each scope implies before the operator's SCOPE_HIERARCHY is added. */
export const BUILT_IN_HIERARCHY: Readonly<Record<string, readonly string[]>> = Object.freeze({
  [ADMIN_SCOPE]: Object.freeze(Object.keys(API_SCOPES).filter((scope) => scope !== ADMIN_SCOPE)),
});

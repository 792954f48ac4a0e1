/**
 * The tables, as Kysely sees them. Times are epoch milliseconds (bigint) and ids are UUID strings, so the
 * same queries run unchanged on SQLite and PostgreSQL.
 */
export interface UsersTable {
  id: string;
  /** As the user typed it, for display. */
  username: string;
  /** Lower-cased username: the unique, case-insensitive lookup key. */
  username_key: string;
  /** Self-describing scrypt hash (parameters, salt, hash). */
  password_hash: string;
  /** Space-delimited granted scopes. */
  scopes: string;
  disabled_at: number | null;
  created_at: number;
  updated_at: number;
}

/** One row per refresh token; the rows of one login share a family (a session). */
export interface RefreshTokensTable {
  id: string;
  /** SHA-256 of the token: the token itself is never stored. */
  token_hash: string;
  family_id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  /** The family's absolute end, copied to every token of the family. */
  session_expires_at: number;
  /** Set when the token was exchanged for its successor. */
  used_at: number | null;
  replaced_by: string | null;
  revoked_at: number | null;
  /** The client's, with control characters removed (accounts/device.ts). */
  user_agent: string | null;
  ip: string | null;
  /** When the family's first token was issued (the login); null only on rows purged before it was kept. */
  session_created_at: number | null;
  /** "Firefox on Linux": from the user agent of the row's client. */
  device_label: string | null;
}

/** Revocations of access tokens before their `exp` (src/auth/revocation-registry.ts), kept while they matter. */
export interface RevocationsTable {
  id: string;
  kind: string;
  key: string;
  revoked_at: number;
  /** When no token the revocation matches can still be valid: the row may go. */
  expires_at: number;
}

/** The security audit trail: one row per event, never a secret. */
export interface AuditEventsTable {
  id: string;
  at: number;
  type: string;
  /** Who did it (a user id), when someone other than the user did. */
  actor_id: string | null;
  /** The account it concerns. */
  user_id: string | null;
  /** The username as typed (for failed logins, the key looked up). */
  username: string | null;
  ip: string | null;
  user_agent: string | null;
  /** JSON: what changed (before -> after), scopes, lifetimes, ids. */
  details: string;
}

export interface DatabaseSchema {
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
  revocations: RevocationsTable;
  audit_events: AuditEventsTable;
}

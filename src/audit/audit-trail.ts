import { randomUUID } from 'node:crypto';
import { type Kysely } from 'kysely';
import { type DatabaseSchema } from '../db/schema';
import { type ClientInfo } from '../request-context';

/**
 * The event vocabulary, after Auth0's log event types, Keycloak's events and Okta's System Log: a noun and
 * what happened to it. Part of the API contract (clients filter on it): only ever added to.
 */
export const AUDIT_EVENT_TYPES = [
  'login.succeeded',
  'login.failed',
  'login.throttled',
  'refresh_token.reused',
  'session.ended',
  'sessions.revoked',
  'password.changed',
  'user.created',
  'user.scopes_set',
  'user.disabled',
  'user.enabled',
  'token.minted',
  'token.revoked',
  'access.revoked',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** What an event records. Never a password, a token or a refresh token: ids, names, scopes and times. */
export interface AuditEventInput {
  readonly type: AuditEventType;
  /** Who did it, when that is not the user it concerns (an admin). */
  readonly actorId?: string;
  /** The account it concerns. */
  readonly userId?: string;
  readonly username?: string;
  readonly client?: ClientInfo;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AuditEvent extends Omit<AuditEventInput, 'client'> {
  readonly id: string;
  readonly at: number;
  readonly ip: string | undefined;
  readonly userAgent: string | undefined;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface AuditFilter {
  readonly userId?: string;
  readonly type?: AuditEventType;
  /** Epoch milliseconds: events at or after. */
  readonly since?: number;
}

const MAX_USER_AGENT = 256;
const MAX_USERNAME = 128;

/** The `audit_events` table. Each event is written in the transaction of what it records. */
export class AuditTrail {
  constructor(private readonly clock: () => number = Date.now) {}

  /** @param db the transaction of the change the event records, when there is one */
  async record(db: Kysely<DatabaseSchema>, ...events: AuditEventInput[]): Promise<void> {
    if (events.length === 0) return;
    const at = this.clock();
    await db
      .insertInto('audit_events')
      .values(
        events.map((event) => ({
          id: randomUUID(),
          at,
          type: event.type,
          actor_id: event.actorId ?? null,
          user_id: event.userId ?? null,
          username: event.username?.slice(0, MAX_USERNAME) ?? null,
          ip: event.client?.ip ?? null,
          user_agent: event.client?.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
          details: JSON.stringify(event.details ?? {}),
        })),
      )
      .execute();
  }

  /** Newest first, strictly after the cursor position (`at`, `id`) when there is one. */
  async list(
    db: Kysely<DatabaseSchema>,
    filter: AuditFilter,
    limit: number,
    after?: { at: number; id: string },
  ): Promise<AuditEvent[]> {
    let query = db.selectFrom('audit_events').selectAll();
    if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
    if (filter.type !== undefined) query = query.where('type', '=', filter.type);
    if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
    if (after) {
      query = query.where((eb) =>
        eb.or([eb('at', '<', after.at), eb.and([eb('at', '=', after.at), eb('id', '<', after.id)])]),
      );
    }
    const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      type: row.type as AuditEventType,
      actorId: row.actor_id ?? undefined,
      userId: row.user_id ?? undefined,
      username: row.username ?? undefined,
      ip: row.ip ?? undefined,
      userAgent: row.user_agent ?? undefined,
      details: JSON.parse(row.details) as Record<string, unknown>,
    }));
  }

  /** @returns how many events older than `cutoff` (epoch ms) were deleted */
  async purge(db: Kysely<DatabaseSchema>, cutoff: number): Promise<number> {
    const result = await db.deleteFrom('audit_events').where('at', '<', cutoff).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

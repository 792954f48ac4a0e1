import { randomUUID } from 'node:crypto';
import { type Kysely, type Selectable } from 'kysely';
import { type AuditEventsTable, type DatabaseSchema } from '../db/schema';
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
  'refresh_token.retried',
  'session.ended',
  'session.revoked',
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

/**
 * Tells the other instances of committed events: on PostgreSQL `pg_notify` inside the transaction, which
 * delivers them (to this instance too) when it commits. Undefined on SQLite, where this instance is all.
 */
export type AuditAnnouncer = (trx: Kysely<DatabaseSchema>, events: readonly AuditEvent[]) => Promise<void>;
export type AuditListener = (event: AuditEvent) => void;

function toEvent(row: Selectable<AuditEventsTable>): AuditEvent {
  return {
    id: row.id,
    at: row.at,
    type: row.type as AuditEventType,
    actorId: row.actor_id ?? undefined,
    userId: row.user_id ?? undefined,
    username: row.username ?? undefined,
    ip: row.ip ?? undefined,
    userAgent: row.user_agent ?? undefined,
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}

/**
 * The `audit_events` table. Each event is written in the transaction of what it records, and reaches the
 * live listeners (subscriptions) once that transaction has committed, on every instance.
 */
export class AuditTrail {
  private readonly listeners = new Set<AuditListener>();
  /** Events of transactions still open, delivered when they commit ({@link transaction}). */
  private readonly uncommitted = new WeakMap<Kysely<DatabaseSchema>, AuditEvent[]>();
  private announcer: AuditAnnouncer | undefined;
  private observer: ((type: AuditEventType) => void) | undefined;

  constructor(private readonly clock: () => number = Date.now) {}

  /** From now on committed events are announced to every instance, which then delivers them. */
  announceWith(announcer: AuditAnnouncer): void {
    this.announcer = announcer;
  }

  /**
   * `observer` hears of each event this instance records, once (metrics count them here; listeners hear
   * every instance's). Counted when written: an event whose transaction later rolls back is still counted.
   */
  observe(observer: (type: AuditEventType) => void): void {
    this.observer = observer;
  }

  /** @param db the transaction of the change the event records, when there is one */
  async record(db: Kysely<DatabaseSchema>, ...inputs: AuditEventInput[]): Promise<void> {
    if (inputs.length === 0) return;
    const at = this.clock();
    const rows = inputs.map((event) => ({
      id: randomUUID(),
      at,
      type: event.type,
      actor_id: event.actorId ?? null,
      user_id: event.userId ?? null,
      username: event.username?.slice(0, MAX_USERNAME) ?? null,
      ip: event.client?.ip ?? null,
      user_agent: event.client?.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
      details: JSON.stringify(event.details ?? {}),
    }));
    await db.insertInto('audit_events').values(rows).execute();
    if (this.observer) for (const row of rows) this.observer(row.type);
    const events = rows.map(toEvent);
    if (this.announcer) return this.announcer(db, events);
    const pending = db.isTransaction ? this.uncommitted.get(db) : undefined;
    if (pending) pending.push(...events);
    else this.deliver(events);
  }

  /**
   * Runs `work` in a transaction whose events reach the listeners only if it commits. Without an
   * announcer (SQLite) they are held until then; with one, PostgreSQL holds the notification.
   */
  async transaction<T>(
    db: Kysely<DatabaseSchema>,
    work: (trx: Kysely<DatabaseSchema>) => Promise<T>,
  ): Promise<T> {
    let pending: AuditEvent[] = [];
    const result = await db.transaction().execute(async (trx) => {
      this.uncommitted.set(trx, (pending = []));
      return work(trx);
    });
    this.deliver(pending);
    return result;
  }

  /** Hands committed events to the live listeners; a listener that throws is its own problem. */
  deliver(events: readonly AuditEvent[]): void {
    for (const event of events) {
      for (const listener of this.listeners) listener(event);
    }
  }

  /** @returns the function that stops listening */
  listen(listener: AuditListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One event by id: what a listener reads when a notification was too large to carry it. */
  async find(db: Kysely<DatabaseSchema>, id: string): Promise<AuditEvent | undefined> {
    const row = await db.selectFrom('audit_events').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toEvent(row);
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
    return rows.map(toEvent);
  }

  /** @returns how many events older than `cutoff` (epoch ms) were deleted */
  async purge(db: Kysely<DatabaseSchema>, cutoff: number): Promise<number> {
    const result = await db.deleteFrom('audit_events').where('at', '<', cutoff).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

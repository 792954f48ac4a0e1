import { type Kysely, sql } from 'kysely';
import { Client } from 'pg';
import { type Logger } from 'pino';
import {
  REVOCATION_KINDS,
  type Revocation,
  type RevocationKind,
  type RevocationRegistry,
} from '../auth/revocation-registry';
import { type AuditEvent, type AuditTrail } from '../audit/audit-trail';
import { type DatabaseSchema } from '../db/schema';
import { RevocationStore } from './revocation-store';

/**
 * How this instance hears of revocations made elsewhere: `local` on SQLite (one instance, nothing to hear),
 * `listening` to PostgreSQL notifications, or `polling` the table while the listening connection is down.
 */
export type FeedState = 'local' | 'listening' | 'polling';

/** NOTIFY payloads must stay under 8000 bytes; a larger batch tells listeners to read the table instead. */
const MAX_PAYLOAD_BYTES = 7000;
const RELOAD = 'reload';
/** How late after being stamped an audit event may commit and still be caught up by polling. */
const EVENT_COMMIT_MARGIN_MS = 5000;
/** Audit events read per catch-up, the newest: a longer outage streams only these (the trail keeps all). */
const EVENT_CATCH_UP_LIMIT = 1000;
const MAX_RECENT_EVENT_IDS = 5000;
/** How the listening connection shows in pg_stat_activity: which instance (process id) it belongs to. */
export const listenerApplicationName = (pid = process.pid) => `graphql-jwt-api revocations ${pid}`;

export interface RevocationFeedOptions {
  readonly db: Kysely<DatabaseSchema>;
  /** The PostgreSQL URL to listen on; undefined on SQLite. */
  readonly listenUrl: string | undefined;
  readonly registry: RevocationRegistry;
  /** How long after it was made a revocation can match a valid token (the registry's retention). */
  readonly retentionMs: number;
  /** How often the table is read while the listening connection is down, and a reconnection tried. */
  readonly pollIntervalMs: number;
  readonly connectTimeoutMs: number;
  readonly log: Logger;
  readonly clock?: () => number;
  /** Where committed audit events go on PostgreSQL: announced here, delivered to its live listeners. */
  readonly audit?: AuditTrail;
}

/**
 * Keeps this instance's revocation registry in step with every other instance's, through the database they
 * share: a revocation is stored in the transaction that causes it and announced with `pg_notify`, which
 * PostgreSQL delivers to every listener when (and only if) that transaction commits. A starting instance
 * loads the table; one whose listening connection drops reads the table every `pollIntervalMs` until it
 * is back, then reads it once more for anything announced while it was away.
 */
export class RevocationFeed {
  private readonly store: (db: Kysely<DatabaseSchema>) => RevocationStore;
  private readonly clock: () => number;
  private listener: Client | undefined;
  private schema: string | undefined;
  /** The newest audit event delivered here, epoch ms: where catching up starts. */
  private lastEventAt: number;
  private readonly recentEventIds = new Set<string>();
  private poller: NodeJS.Timeout | undefined;
  private closed = false;
  private current: FeedState;

  constructor(private readonly options: RevocationFeedOptions) {
    this.store = (db) => new RevocationStore(db, options.retentionMs);
    this.clock = options.clock ?? Date.now;
    this.lastEventAt = this.clock();
    this.current = options.listenUrl ? 'polling' : 'local';
    if (options.listenUrl) options.audit?.announceWith((trx, events) => this.announceEvents(trx, events));
  }

  get state(): FeedState {
    return this.current;
  }

  /**
   * Loads the revocations that still matter and starts listening. A database that does not answer yet
   * leaves the feed polling until it does; the server starts either way.
   */
  async start(): Promise<void> {
    await this.reload();
    if (!this.options.listenUrl) return;
    if (!(await this.listen())) this.startPolling();
  }

  /**
   * Stores `revocations` and announces them, inside the caller's transaction `trx`: other instances hear of
   * them only if it commits. The caller then {@link apply}s them here.
   */
  async record(trx: Kysely<DatabaseSchema>, revocations: readonly Revocation[]): Promise<void> {
    if (revocations.length === 0) return;
    await this.store(trx).insert(revocations);
    if (!this.options.listenUrl) return;
    const payload = JSON.stringify(revocations.map(({ kind, key, at }) => [kind, key, at]));
    const message = Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES ? RELOAD : payload;
    await sql`select pg_notify(${await this.channelName(trx, 'revocations')}, ${message})`.execute(trx);
  }

  /**
   * Announces audit events inside the transaction that records them: every instance's listener, this
   * one's included, delivers them to its subscribers when it commits. An event too large for a
   * notification is announced by id and read from the table.
   */
  private async announceEvents(trx: Kysely<DatabaseSchema>, events: readonly AuditEvent[]): Promise<void> {
    const channel = await this.channelName(trx, 'events');
    for (const event of events) {
      const payload = JSON.stringify(event);
      const message =
        Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES ? JSON.stringify({ id: event.id }) : payload;
      await sql`select pg_notify(${channel}, ${message})`.execute(trx);
    }
  }

  /** Makes committed revocations take effect on this instance at once, without waiting for the echo. */
  apply(revocations: readonly Revocation[]): void {
    this.options.registry.add(revocations);
  }

  /** Deletes the revocations no valid token can match any more, and forgets them here. */
  async purge(): Promise<number> {
    const now = this.clock();
    this.options.registry.purge(now);
    return this.store(this.options.db).purge(now);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.poller);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  private async reload(): Promise<void> {
    this.options.registry.add(await this.store(this.options.db).live(this.clock()));
    await this.catchUpEvents();
  }

  /**
   * Delivers the audit events committed while nobody listened (the listening connection down, or not yet
   * up): read from the table since shortly before the last one delivered. An event is stamped before its
   * transaction commits, so the margin covers one that committed late; ids delivered recently are skipped.
   */
  private async catchUpEvents(): Promise<void> {
    const { audit, db } = this.options;
    if (!audit || !this.options.listenUrl) return;
    const since = this.lastEventAt - EVENT_COMMIT_MARGIN_MS;
    const missed = await audit.list(db, { since }, EVENT_CATCH_UP_LIMIT);
    this.deliverOnce(missed.reverse());
  }

  /** Hands events to the trail's listeners unless they were delivered already. */
  private deliverOnce(events: readonly AuditEvent[]): void {
    const fresh = events.filter((event) => !this.recentEventIds.has(event.id));
    for (const event of fresh) {
      this.recentEventIds.add(event.id);
      this.lastEventAt = Math.max(this.lastEventAt, event.at);
    }
    // The oldest ids go first (a Set keeps insertion order); enough stay to cover the margin.
    for (const id of this.recentEventIds) {
      if (this.recentEventIds.size <= MAX_RECENT_EVENT_IDS) break;
      this.recentEventIds.delete(id);
    }
    if (fresh.length > 0) this.options.audit?.deliver(fresh);
  }

  /** @returns whether the listening connection is up (and the table read again since) */
  private async listen(): Promise<boolean> {
    const client = new Client({
      connectionString: this.options.listenUrl,
      application_name: listenerApplicationName(),
      connectionTimeoutMillis: this.options.connectTimeoutMs,
    });
    // Without a listener an 'error' event would end the process; losing this connection only means polling.
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', ({ channel, payload }) =>
      channel.startsWith('events.') ? this.heardEvent(payload) : this.heard(payload),
    );
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdentifier(await this.channelName(client, 'revocations'))}`);
      if (this.options.audit) {
        await client.query(`LISTEN ${quoteIdentifier(await this.channelName(client, 'events'))}`);
      }
      if (this.closed) {
        await client.end();
        return false;
      }
      this.listener = client;
      // Anything announced before LISTEN took effect is in the table.
      await this.reload();
      if (this.current !== 'listening') this.options.log.info('revocations: listening for other instances');
      this.current = 'listening';
      return true;
    } catch (error) {
      if (this.listener === client) this.listener = undefined;
      await client.end().catch(() => undefined);
      this.options.log.warn(
        { err: { message: (error as Error).message } },
        'revocations: cannot listen; polling the table',
      );
      return false;
    }
  }

  private lost(client: Client): void {
    if (this.listener !== client || this.closed) return;
    this.listener = undefined;
    this.current = 'polling';
    this.options.log.warn(
      { pollIntervalMs: this.options.pollIntervalMs },
      'revocations: listening connection lost; polling the table until it is back',
    );
    this.startPolling();
  }

  private startPolling(): void {
    if (this.poller || this.closed) return;
    this.current = 'polling';
    let busy = false;
    this.poller = setInterval(() => {
      if (busy) return;
      busy = true;
      void this.poll().finally(() => (busy = false));
    }, this.options.pollIntervalMs).unref();
  }

  private async poll(): Promise<void> {
    try {
      await this.reload();
    } catch (error) {
      this.options.log.warn({ err: { message: (error as Error).message } }, 'revocations: poll failed');
      return;
    }
    if (await this.listen()) {
      clearInterval(this.poller);
      this.poller = undefined;
    }
  }

  private heard(payload: string | undefined): void {
    if (payload === RELOAD) {
      void this.reload().catch(() => this.startPolling());
      return;
    }
    const revocations = parsePayload(payload);
    if (revocations) this.options.registry.add(revocations);
  }

  /** Committed audit events from any instance; a listener's failure is not the feed's. */
  private heardEvent(payload: string | undefined): void {
    const { audit, db } = this.options;
    let parsed: Partial<AuditEvent> | undefined;
    try {
      parsed = JSON.parse(payload ?? '') as Partial<AuditEvent>;
    } catch {
      return;
    }
    if (typeof parsed.id !== 'string') return;
    if (typeof parsed.type === 'string') {
      this.deliverOnce([parsed as AuditEvent]);
      return;
    }
    void audit?.find(db, parsed.id).then(
      (event) => event && this.deliverOnce([event]),
      () => undefined,
    );
  }

  /** One channel per schema: instances (and test suites) on other schemas of the database hear nothing. */
  private async channelName(
    db: Kysely<DatabaseSchema> | Client,
    topic: 'revocations' | 'events',
  ): Promise<string> {
    if (!this.schema) {
      const query = 'select current_schema() as schema';
      this.schema =
        db instanceof Client
          ? ((await db.query<{ schema: string }>(query)).rows[0]?.schema ?? 'public')
          : ((await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema ??
            'public');
    }
    return `${topic}.${this.schema}`;
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Our own payloads, read defensively all the same: anything else in the channel is ignored. */
function parsePayload(payload: string | undefined): Revocation[] | undefined {
  try {
    const parsed: unknown = JSON.parse(payload ?? '');
    if (!Array.isArray(parsed)) return undefined;
    return parsed.flatMap((entry: unknown) => {
      if (!Array.isArray(entry)) return [];
      const [kind, key, at] = entry as unknown[];
      const valid =
        REVOCATION_KINDS.includes(kind as RevocationKind) && typeof key === 'string' && Number.isFinite(at);
      return valid ? [{ kind: kind as RevocationKind, key, at: at as number }] : [];
    });
  } catch {
    return undefined;
  }
}

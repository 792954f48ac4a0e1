import { type Kysely } from 'kysely';
import { type Announcer, MAX_PAYLOAD_BYTES, type NotificationTopic } from '../db/notification-listener';
import { type DatabaseSchema } from '../db/schema';
import { type AuditEvent, type AuditTrail } from './audit-trail';

/** How late after being stamped an audit event may commit and still be caught up by reading the table. */
const COMMIT_MARGIN_MS = 5000;
/** Audit events read per catch-up, the newest: a longer outage streams only these (the trail keeps all). */
const CATCH_UP_LIMIT = 1000;
const MAX_RECENT_IDS = 5000;

export interface AuditRelayOptions {
  readonly db: Kysely<DatabaseSchema>;
  readonly audit: AuditTrail;
  readonly announcer: Announcer;
  readonly clock?: () => number;
}

/**
 * Carries committed audit events to the live listeners (subscriptions) of every instance that shares a
 * PostgreSQL database: each event is announced on the `events` topic inside the transaction that records
 * it, and delivered here when any instance's announcement arrives, once. Installed only where instances
 * share the database; on SQLite the trail delivers its own events when their transaction commits.
 */
export class AuditRelay implements NotificationTopic {
  readonly name = 'events';
  /** The newest event delivered here, epoch ms: where catching up starts. */
  private lastEventAt: number;
  private readonly recentIds = new Set<string>();

  constructor(private readonly options: AuditRelayOptions) {
    this.lastEventAt = (options.clock ?? Date.now)();
  }

  /**
   * Announces events inside the transaction that records them (the trail's announcer, see
   * `AuditTrail.announceWith`). An event too large for a notification is announced by id and read from the
   * table.
   */
  readonly announce = async (trx: Kysely<DatabaseSchema>, events: readonly AuditEvent[]): Promise<void> => {
    for (const event of events) {
      const payload = JSON.stringify(event);
      const message =
        Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES ? JSON.stringify({ id: event.id }) : payload;
      await this.options.announcer.notify(trx, this.name, message);
    }
  };

  /** Committed events from any instance; a listener's failure is not the relay's. */
  heard(payload: string | undefined): void {
    let parsed: Partial<AuditEvent> | undefined;
    try {
      parsed = JSON.parse(payload ?? '') as Partial<AuditEvent>;
    } catch {
      return;
    }
    if (typeof parsed?.id !== 'string') return;
    if (typeof parsed.type === 'string') {
      this.deliverOnce([parsed as AuditEvent]);
      return;
    }
    void this.options.audit.find(this.options.db, parsed.id).then(
      (event) => event && this.deliverOnce([event]),
      () => undefined,
    );
  }

  /**
   * Delivers the events committed while nobody listened (the listening connection down, or not yet up):
   * read from the table since shortly before the last one delivered. An event is stamped before its
   * transaction commits, so the margin covers one that committed late; ids delivered recently are skipped.
   */
  async catchUp(): Promise<void> {
    const since = this.lastEventAt - COMMIT_MARGIN_MS;
    const missed = await this.options.audit.list(this.options.db, { since }, CATCH_UP_LIMIT);
    this.deliverOnce(missed.reverse());
  }

  /** Hands events to the trail's listeners unless they were delivered already. */
  private deliverOnce(events: readonly AuditEvent[]): void {
    const fresh = events.filter((event) => !this.recentIds.has(event.id));
    for (const event of fresh) {
      this.recentIds.add(event.id);
      this.lastEventAt = Math.max(this.lastEventAt, event.at);
    }
    // The oldest ids go first (a Set keeps insertion order); enough stay to cover the margin.
    for (const id of this.recentIds) {
      if (this.recentIds.size <= MAX_RECENT_IDS) break;
      this.recentIds.delete(id);
    }
    if (fresh.length > 0) this.options.audit.deliver(fresh);
  }
}

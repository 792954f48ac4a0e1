import { type Kysely } from 'kysely';
import {
  REVOCATION_KINDS,
  type Revocation,
  type RevocationKind,
  type RevocationRegistry,
} from '../auth/revocation-registry';
import { type Announcer, MAX_PAYLOAD_BYTES, type NotificationTopic } from '../db/notification-listener';
import { type DatabaseSchema } from '../db/schema';
import { RevocationStore } from './revocation-store';

/** Told to read the table instead: a batch too large for one notification. */
const RELOAD = 'reload';

export interface RevocationFeedOptions {
  readonly db: Kysely<DatabaseSchema>;
  /** This instance's in-memory registry, which the token verifier reads. */
  readonly registry: RevocationRegistry;
  /** How long after it was made a revocation can match a valid token (the registry's retention). */
  readonly retentionMs: number;
  readonly announcer: Announcer;
  readonly clock?: () => number;
}

/**
 * Keeps this instance's revocation registry in step with every other instance's, through the database they
 * share: a revocation is stored in the transaction that causes it and announced on the `revocations`
 * topic, which every instance hears when (and only if) that transaction commits. What notifications missed
 * (a starting instance, a dropped connection) is read from the table.
 */
export class RevocationFeed implements NotificationTopic {
  readonly name = 'revocations';
  private readonly store: (db: Kysely<DatabaseSchema>) => RevocationStore;
  private readonly clock: () => number;

  constructor(private readonly options: RevocationFeedOptions) {
    this.store = (db) => new RevocationStore(db, options.retentionMs);
    this.clock = options.clock ?? Date.now;
  }

  /**
   * Stores `revocations` and announces them, inside the caller's transaction `trx`: other instances hear of
   * them only if it commits. The caller then {@link apply}s them here.
   */
  async record(trx: Kysely<DatabaseSchema>, revocations: readonly Revocation[]): Promise<void> {
    if (revocations.length === 0) return;
    await this.store(trx).insert(revocations);
    const payload = JSON.stringify(revocations.map(({ kind, key, at }) => [kind, key, at]));
    const message = Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES ? RELOAD : payload;
    await this.options.announcer.notify(trx, this.name, message);
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

  /** Loads the revocations that still matter. */
  async catchUp(): Promise<void> {
    this.options.registry.add(await this.store(this.options.db).live(this.clock()));
  }

  heard(payload: string | undefined): void | Promise<void> {
    if (payload === RELOAD) return this.catchUp();
    const revocations = parsePayload(payload);
    if (revocations) this.options.registry.add(revocations);
  }
}

/** Our own payloads, read defensively all the same: anything else in the channel is ignored. */
export function parsePayload(payload: string | undefined): Revocation[] | undefined {
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

import { type Kysely, sql } from 'kysely';
import { Client } from 'pg';
import { type Logger } from 'pino';
import { type DatabaseSchema } from './schema';

/**
 * How this instance hears what other instances announce: `local` on SQLite (one instance, nothing to hear),
 * `listening` to PostgreSQL notifications, or `polling` each topic's table while the listening connection
 * is down.
 */
export type ListenerState = 'local' | 'listening' | 'polling';

/** NOTIFY payloads must stay under 8000 bytes; a topic announces a larger message another way. */
export const MAX_PAYLOAD_BYTES = 7000;

/** How the listening connection shows in pg_stat_activity: which instance (process id) it belongs to. */
export const listenerApplicationName = (pid = process.pid) => `graphql-jwt-api notifications ${pid}`;

/** Where a topic announces: within a transaction, heard by every instance if it commits. */
export interface Announcer {
  notify(trx: Kysely<DatabaseSchema>, topic: string, message: string): Promise<void>;
}

/** One kind of announcement (revocations, audit events), with what its own table says. */
export interface NotificationTopic {
  /** The channel's name within this database schema. */
  readonly name: string;
  /**
   * A notification on this topic, from any instance, this one's included. Must not throw; a promise that
   * rejects (a table that could not be read) has the topic catch up again after `pollIntervalMs`.
   */
  heard(payload: string | undefined): void | Promise<void>;
  /**
   * Reads from the table what notifications may have missed: at start, once LISTEN has taken effect, and
   * at each poll while the connection is down.
   */
  catchUp(): Promise<void>;
}

export interface NotificationListenerOptions {
  readonly db: Kysely<DatabaseSchema>;
  /** The PostgreSQL URL to listen on; undefined on SQLite. */
  readonly listenUrl: string | undefined;
  /** How often the topics catch up while the listening connection is down, and a reconnection is tried. */
  readonly pollIntervalMs: number;
  readonly connectTimeoutMs: number;
  readonly log: Logger;
}

/**
 * The one PostgreSQL LISTEN connection of this instance, shared by every topic. A notification sent with
 * {@link notify} inside a transaction reaches every instance when (and only if) that transaction commits.
 * When the connection drops, each topic reads its table every `pollIntervalMs` until it is back, then once
 * more for anything announced while it was away.
 */
export class NotificationListener implements Announcer {
  private readonly topics = new Map<string, NotificationTopic>();
  private listener: Client | undefined;
  private schema: string | undefined;
  private poller: NodeJS.Timeout | undefined;
  private readonly retries = new Set<NodeJS.Timeout>();
  private closed = false;
  private current: ListenerState;

  constructor(private readonly options: NotificationListenerOptions) {
    this.current = options.listenUrl ? 'polling' : 'local';
  }

  get state(): ListenerState {
    return this.current;
  }

  /** Whether other instances may share the database (PostgreSQL): only then is anything announced. */
  get shared(): boolean {
    return this.options.listenUrl !== undefined;
  }

  /** Adds a topic; call before {@link start}. */
  subscribe(topic: NotificationTopic): void {
    this.topics.set(topic.name, topic);
  }

  /**
   * Lets every topic catch up and starts listening. A database that does not answer yet leaves the
   * listener polling until it does; the server starts either way.
   */
  async start(): Promise<void> {
    await this.catchUp();
    if (!this.shared) return;
    if (!(await this.listen())) this.startPolling();
  }

  /** Announces `message` on `topic` within `trx`: delivered to every instance if it commits. */
  async notify(trx: Kysely<DatabaseSchema>, topic: string, message: string): Promise<void> {
    if (!this.shared) return;
    await sql`select pg_notify(${await this.channel(trx, topic)}, ${message})`.execute(trx);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.poller);
    for (const retry of this.retries) clearTimeout(retry);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  private async catchUp(): Promise<void> {
    for (const topic of this.topics.values()) await topic.catchUp();
  }

  /** @returns whether the listening connection is up (and the topics caught up since) */
  private async listen(): Promise<boolean> {
    const client = new Client({
      connectionString: this.options.listenUrl,
      application_name: listenerApplicationName(),
      connectionTimeoutMillis: this.options.connectTimeoutMs,
    });
    // Without a listener an 'error' event would end the process; losing this connection only means polling.
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    const byChannel = new Map<string, NotificationTopic>();
    client.on('notification', ({ channel, payload }) => {
      const topic = byChannel.get(channel);
      if (topic) void Promise.resolve(topic.heard(payload)).catch(() => this.retry(topic));
    });
    try {
      await client.connect();
      for (const topic of this.topics.values()) {
        const channel = await this.channel(client, topic.name);
        byChannel.set(channel, topic);
        await client.query(`LISTEN ${quoteIdentifier(channel)}`);
      }
      if (this.closed) {
        await client.end();
        return false;
      }
      this.listener = client;
      // Anything announced before LISTEN took effect is in the tables.
      await this.catchUp();
      if (this.current !== 'listening') this.options.log.info('notifications: listening for other instances');
      this.current = 'listening';
      return true;
    } catch (error) {
      if (this.listener === client) this.listener = undefined;
      await client.end().catch(() => undefined);
      this.options.log.warn(
        { err: { message: (error as Error).message } },
        'notifications: cannot listen; polling the tables',
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
      'notifications: listening connection lost; polling the tables until it is back',
    );
    this.startPolling();
  }

  /** A topic that failed to read its table tries again later, until it succeeds or the listener closes. */
  private retry(topic: NotificationTopic): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      void topic.catchUp().catch(() => this.retry(topic));
    }, this.options.pollIntervalMs).unref();
    this.retries.add(timer);
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
      await this.catchUp();
    } catch (error) {
      this.options.log.warn({ err: { message: (error as Error).message } }, 'notifications: poll failed');
      return;
    }
    if (await this.listen()) {
      clearInterval(this.poller);
      this.poller = undefined;
    }
  }

  /** One channel per topic and schema: instances (and test suites) on other schemas hear nothing. */
  private async channel(db: Kysely<DatabaseSchema> | Client, topic: string): Promise<string> {
    if (!this.schema) {
      const query = 'select current_schema() as schema';
      const rows =
        db instanceof Client
          ? (await db.query<{ schema: string }>(query)).rows
          : (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows;
      this.schema = rows[0]?.schema ?? 'public';
    }
    return `${topic}.${this.schema}`;
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

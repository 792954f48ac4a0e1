import { sql } from 'kysely';
import { Client } from 'pg';
import { AuditRelay } from '../../src/audit/audit-relay';
import { type AuditEvent, AuditTrail } from '../../src/audit/audit-trail';
import { type Revocation, RevocationRegistry } from '../../src/auth/revocation-registry';
import { parseConfig } from '../../src/config';
import { type Database, openDatabase } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrations';
import { listenerApplicationName, NotificationListener } from '../../src/db/notification-listener';
import { createLogger } from '../../src/logger';
import { RevocationFeed } from '../../src/revocation/revocation-feed';
import { TEST_ENV } from '../fixtures/keys';
import { ENGINES, POSTGRES_AVAILABLE, TEST_POSTGRES_URL } from '../helpers/databases';
import { until } from '../helpers/wait';

// One listening connection per instance carries both topics (revocations, audit events) between instances
// that share a PostgreSQL schema: each "instance" here is its own pool, listener, registry and trail.
const postgres = ENGINES.find(([name]) => name === 'postgres')![1];
const POLL_MS = 100;

interface Instance {
  readonly database: Database;
  readonly notifications: NotificationListener;
  readonly feed: RevocationFeed;
  readonly registry: RevocationRegistry;
  readonly audit: AuditTrail;
  readonly heard: AuditEvent[];
}

async function instance(url: string): Promise<Instance> {
  const config = parseConfig({ ...TEST_ENV, DATABASE_URL: url });
  const database = openDatabase(config.database);
  await migrateToLatest(database.db, database.engine);
  const log = createLogger('silent');
  const notifications = new NotificationListener({
    db: database.db,
    listenUrl: url,
    pollIntervalMs: POLL_MS,
    connectTimeoutMs: 2000,
    log,
  });
  const registry = new RevocationRegistry(3_600_000);
  const feed = new RevocationFeed({
    db: database.db,
    registry,
    retentionMs: 3_600_000,
    announcer: notifications,
  });
  const audit = new AuditTrail();
  const relay = new AuditRelay({ db: database.db, audit, announcer: notifications });
  audit.announceWith(relay.announce);
  notifications.subscribe(feed);
  notifications.subscribe(relay);
  await notifications.start();
  const heard: AuditEvent[] = [];
  audit.listen((event) => heard.push(event));
  return { database, notifications, feed, registry, audit, heard };
}

const revoked = (registry: RevocationRegistry, session: string) =>
  registry.revokes({
    local: true,
    subject: 'u',
    sessionId: session,
    tokenId: undefined,
    actor: undefined,
    issuedAt: 0,
  });

const session = (key: string): Revocation => ({ kind: 'session', key, at: Date.now() });

(POSTGRES_AVAILABLE ? describe : describe.skip)('notifications between instances [postgres]', () => {
  let url: string;
  let drop: () => Promise<void>;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    ({ url, drop } = await postgres.create());
    a = await instance(url);
    b = await instance(url);
  });
  afterAll(async () => {
    for (const each of [a, b]) {
      await each?.notifications.close();
      await each?.database.close();
    }
    await drop();
  });

  it('listens on one connection per instance', async () => {
    expect([a.notifications.state, b.notifications.state]).toEqual(['listening', 'listening']);
    const admin = new Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ n: string }>(
        'select count(*) as n from pg_stat_activity where application_name = $1',
        [listenerApplicationName()],
      );
      // Both instances are this process: two connections, one each, whatever the number of topics.
      expect(Number(rows[0]!.n)).toBe(2);
    } finally {
      await admin.end();
    }
  });

  it('carries a committed revocation to the other instance, and never a rolled-back one', async () => {
    await expect(
      a.database.db.transaction().execute(async (trx) => {
        await a.feed.record(trx, [session('rolled-back')]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await a.database.db.transaction().execute((trx) => a.feed.record(trx, [session('committed')]));
    await until(() => revoked(b.registry, 'committed'));
    expect(revoked(b.registry, 'committed')).toBe(true);
    // Notifications arrive in commit order: the rolled-back one would have come first.
    expect(revoked(b.registry, 'rolled-back')).toBe(false);
  });

  it('has the other instance read the table when a batch is too large for one notification', async () => {
    const batch = Array.from({ length: 400 }, (_, index) => session(`large-${index}-${'x'.repeat(20)}`));
    await a.database.db.transaction().execute((trx) => a.feed.record(trx, batch));
    await until(() => batch.every(({ key }) => revoked(b.registry, key)));
    expect(batch.filter(({ key }) => !revoked(b.registry, key))).toEqual([]);
  });

  it('ignores what it cannot read on its channels, and keeps listening', async () => {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(a.database.db);
    const channel = `revocations.${rows[0]!.schema}`;
    const admin = new Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    try {
      for (const junk of [
        'not json',
        '{}',
        '[["bogus","k",1]]',
        '[["session",7,1]]',
        '[["session","k","soon"]]',
      ])
        await admin.query('select pg_notify($1, $2)', [channel, junk]);
    } finally {
      await admin.end();
    }
    await a.database.db.transaction().execute((trx) => a.feed.record(trx, [session('after-junk')]));
    await until(() => revoked(b.registry, 'after-junk'));
    expect(revoked(b.registry, 'after-junk')).toBe(true);
    expect(revoked(b.registry, 'k')).toBe(false);
    expect(b.notifications.state).toBe('listening');
  });

  it('delivers a committed audit event once to every instance, a large one by id', async () => {
    a.heard.length = 0;
    b.heard.length = 0;
    await a.audit.transaction(a.database.db, (trx) =>
      a.audit.record(trx, { type: 'user.enabled', userId: 'u-1' }),
    );
    // Over the 8000 bytes a notification can carry: announced by id and read from the table.
    const large = { type: 'access.revoked' as const, details: { scopes: 'z'.repeat(9000) } };
    await a.audit.transaction(a.database.db, async (trx) => {
      for (let i = 0; i < 8; i += 1) await a.audit.record(trx, large);
    });
    await until(() => a.heard.length >= 9 && b.heard.length >= 9);
    for (const { heard } of [a, b]) {
      expect(heard.map((event) => event.type)).toEqual(['user.enabled', ...Array(8).fill('access.revoked')]);
      expect(new Set(heard.map((event) => event.id)).size).toBe(9);
      expect(heard[8]!.details).toEqual(large.details);
    }
  });

  it('polls while its connection is down, then listens again and catches up', async () => {
    const admin = new Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    try {
      // One of the two (both are this process, so they share the application name): the newest.
      const { rows } = await admin.query<{ pid: number }>(
        'select pid from pg_stat_activity where application_name = $1 order by backend_start desc',
        [listenerApplicationName()],
      );
      await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
    } finally {
      await admin.end();
    }
    await until(() => [a, b].some((each) => each.notifications.state === 'polling'));
    const lost = [a, b].find((each) => each.notifications.state === 'polling')!;
    expect(lost).toBeDefined();
    const other = lost === a ? b : a;
    await other.database.db.transaction().execute((trx) => other.feed.record(trx, [session('while-down')]));
    await until(() => revoked(lost.registry, 'while-down') && lost.notifications.state === 'listening');
    expect(revoked(lost.registry, 'while-down')).toBe(true);
    expect(lost.notifications.state).toBe('listening');
  });

  it('hears nothing from another schema of the same database', async () => {
    const elsewhere = await postgres.create();
    const stranger = await instance(elsewhere.url);
    try {
      await stranger.database.db
        .transaction()
        .execute((trx) => stranger.feed.record(trx, [session('elsewhere')]));
      await a.database.db.transaction().execute((trx) => a.feed.record(trx, [session('here')]));
      await until(() => revoked(b.registry, 'here'));
      expect(revoked(b.registry, 'here')).toBe(true);
      expect(revoked(b.registry, 'elsewhere')).toBe(false);
    } finally {
      await stranger.notifications.close();
      await stranger.database.close();
      await elsewhere.drop();
    }
  });
});

import { RevocationRegistry } from '../../src/auth/revocation-registry';
import { parseConfig } from '../../src/config';
import { type Database, openDatabase } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrations';
import { NotificationListener } from '../../src/db/notification-listener';
import { createLogger } from '../../src/logger';
import { parsePayload, RevocationFeed } from '../../src/revocation/revocation-feed';
import { TEST_ENV } from '../fixtures/keys';

// The feed on SQLite, one instance: nothing to listen to, the table is what a restart reads back.
const RETENTION_MS = 60_000;
let database: Database;
let now = 1_000_000;

beforeEach(async () => {
  database = openDatabase(parseConfig({ ...TEST_ENV, DATABASE_URL: 'sqlite::memory:' }).database);
  await migrateToLatest(database.db, database.engine);
});
afterEach(() => database.close());

function feedWith(registry: RevocationRegistry) {
  const notifications = new NotificationListener({
    db: database.db,
    listenUrl: undefined,
    pollIntervalMs: 1000,
    connectTimeoutMs: 1000,
    log: createLogger('silent'),
  });
  const feed = new RevocationFeed({
    db: database.db,
    registry,
    retentionMs: RETENTION_MS,
    announcer: notifications,
    clock: () => now,
  });
  notifications.subscribe(feed);
  return { notifications, feed };
}

const token = (sessionId: string) => ({
  local: true,
  subject: 'u-1',
  sessionId,
  tokenId: undefined,
  actor: undefined,
  issuedAt: 0,
});

describe('RevocationFeed on one instance', () => {
  it('is local, stores what it records, and a restarted instance reads it back', async () => {
    const first = feedWith(new RevocationRegistry(RETENTION_MS));
    await first.notifications.start();
    expect(first.notifications.state).toBe('local');
    await first.feed.record(database.db, [{ kind: 'session', key: 's-1', at: now }]);
    const registry = new RevocationRegistry(RETENTION_MS);
    await feedWith(registry).notifications.start();
    expect(registry.revokes(token('s-1'))).toBe(true);
    expect(registry.revokes(token('s-2'))).toBe(false);
  });

  it('purges what no valid token can match any more, from the table and the registry', async () => {
    const registry = new RevocationRegistry(RETENTION_MS);
    const { feed } = feedWith(registry);
    await feed.record(database.db, [
      { kind: 'session', key: 'old', at: now },
      { kind: 'session', key: 'new', at: now + RETENTION_MS },
    ]);
    feed.apply([
      { kind: 'session', key: 'old', at: now },
      { kind: 'session', key: 'new', at: now + RETENTION_MS },
    ]);
    now += RETENTION_MS + 1;
    expect(await feed.purge()).toBe(1);
    expect([registry.revokes(token('old')), registry.revokes(token('new'))]).toEqual([false, true]);
    const reread = new RevocationRegistry(RETENTION_MS);
    await feedWith(reread).notifications.start();
    expect([reread.revokes(token('old')), reread.revokes(token('new'))]).toEqual([false, true]);
  });
});

describe('the revocations payload', () => {
  it('reads its own form', () => {
    expect(parsePayload('[["session","s-1",5],["token","j",6]]')).toEqual([
      { kind: 'session', key: 's-1', at: 5 },
      { kind: 'token', key: 'j', at: 6 },
    ]);
  });

  it.each([
    ['not JSON', 'not json', undefined],
    ['an object', '{"kind":"session"}', undefined],
    ['nothing', undefined, undefined],
    ['an unknown kind', '[["bogus","k",1]]', []],
    ['a key that is not a string', '[["session",7,1]]', []],
    ['a time that is not a number', '[["session","k","soon"]]', []],
    ['a time that is not finite', '[["session","k",null]]', []],
    ['an entry that is not a list', '["session"]', []],
  ])('ignores %s', (_, payload, expected) => {
    expect(parsePayload(payload)).toEqual(expected);
  });
});

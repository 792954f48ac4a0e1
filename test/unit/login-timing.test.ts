import { scrypt } from 'node:crypto';
import { createAccountService } from '../../src/accounts/account-service';
import { createLoginThrottle } from '../../src/accounts/login-throttle';
import { createPasswordHasher, type PasswordHasher, type Scrypt } from '../../src/accounts/password-hasher';
import { createUserAdminService } from '../../src/accounts/user-admin-service';
import { AppError } from '../../src/errors';
import { loadRuntime } from '../../src/bootstrap';
import { openDatabase } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrations';
import { createLogger } from '../../src/logger';
import { AuditTrail } from '../../src/audit/audit-trail';
import { RevocationFeed } from '../../src/revocation/revocation-feed';
import { NotificationListener } from '../../src/db/notification-listener';
import { TEST_ENV } from '../fixtures/keys';

/** The account service over a fresh in-memory database, checking passwords with `hasher`. */
async function accountsWith(hasher: PasswordHasher) {
  const { config, tokens } = loadRuntime({ ...TEST_ENV, DATABASE_URL: 'sqlite::memory:' });
  const database = openDatabase(config.database);
  await migrateToLatest(database.db, database.engine);
  const log = createLogger('silent');
  const revocations = new RevocationFeed({
    db: database.db,
    registry: tokens.revocations,
    retentionMs: tokens.revocations.retentionMs,
    // SQLite: one instance, so nothing is announced.
    announcer: new NotificationListener({
      db: database.db,
      listenUrl: undefined,
      pollIntervalMs: 1000,
      connectTimeoutMs: 1000,
      log,
    }),
  });
  const audit = new AuditTrail();
  const accounts = await createAccountService({
    db: database.db,
    tokens,
    hasher,
    throttle: await createLoginThrottle(config.accounts),
    settings: config.accounts,
    log,
    revocations,
    audit,
  });
  return { database, accounts, revocations, audit };
}

// "About the same time" is shown by the work done, not by a stopwatch: every failed login runs exactly one
// scrypt verification, whether or not the username exists.
describe('login does the same work for unknown and known usernames', () => {
  it('verifies one scrypt hash per attempt in every case', async () => {
    const real = createPasswordHasher(10);
    const verified: string[] = [];
    const hasher: PasswordHasher = {
      hash: (password) => real.hash(password),
      needsRehash: (stored) => real.needsRehash(stored),
      verify: async (password, stored) => {
        verified.push(stored.slice(0, 14));
        return real.verify(password, stored);
      },
    };
    const { database, accounts, revocations, audit } = await accountsWith(hasher);
    const users = createUserAdminService({ db: database.db, hasher, revocations, audit });
    const jane = await users.createUser(
      { username: 'jane', password: 'correct horse battery', scopes: [] },
      {},
    );
    await users.setDisabled(jane.id, false, {});

    const outcomes: string[] = [];
    for (const [username, password] of [
      ['nobody', 'correct horse battery'],
      ['jane', 'wrong horse battery'],
      ['jane', 'correct horse battery'],
    ] as const) {
      verified.length = 0;
      const result = await accounts.login(username, password, { ip: '192.0.2.1', userAgent: undefined }).then(
        () => 'ok',
        (error: AppError) => error.code,
      );
      outcomes.push(`${result}:${verified.length}:${verified[0]}`);
    }
    expect(outcomes).toEqual([
      'INVALID_CREDENTIALS:1:scrypt$ln=10,r',
      'INVALID_CREDENTIALS:1:scrypt$ln=10,r',
      'ok:1:scrypt$ln=10,r',
    ]);
    await database.close();
  });
});

// An old hash made at a lower cost is cheaper to check than the current-cost dummy an unknown user meets;
// after a failed check the hasher spends the difference (Django's harden_runtime), so both cost the same.
describe('login does the same scrypt work after the cost was raised', () => {
  it('counts the same work for an unknown user and a wrong password on an old, cheaper hash', async () => {
    let work = 0;
    const counting = ((password, salt, length, options, callback) => {
      work += options.N! * options.r! * options.p!;
      return scrypt(password, salt, length, options, callback);
    }) as Scrypt;
    const { database, accounts } = await accountsWith(createPasswordHasher(13, counting));
    await database.db
      .insertInto('users')
      .values({
        id: 'legacy',
        username: 'legacy',
        username_key: 'legacy',
        password_hash: await createPasswordHasher(10).hash('correct horse battery'),
        scopes: '',
        disabled_at: null,
        created_at: 0,
        updated_at: 0,
      })
      .execute();

    const workOf = async (username: string) => {
      work = 0;
      await accounts
        .login(username, 'wrong horse battery', { ip: '192.0.2.1', userAgent: undefined })
        .catch(() => {});
      return work;
    };
    const unknown = await workOf('nobody');
    expect(unknown).toBe(2 ** 13 * 8);
    expect(await workOf('legacy')).toBe(unknown);
    await database.close();
  });
});

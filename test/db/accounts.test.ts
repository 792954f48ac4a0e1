import { sql } from 'kysely';
import { type Session } from '../../src/accounts/session';
import { createPasswordHasher } from '../../src/accounts/password-hasher';
import { loadRuntime, type Services, startServices } from '../../src/bootstrap';
import { migrateToLatest } from '../../src/db/migrations';
import { AppError, ForbiddenError, InputError, NotFoundError, RateLimitError } from '../../src/errors';
import { createLogger } from '../../src/logger';
import { manualClock } from '../fixtures/clock';
import { TEST_ENV } from '../fixtures/keys';
import { describeEngines, type TestDatabase } from '../helpers/databases';

const PASSWORD = 'correct horse battery';
const HOME = { ip: '192.0.2.10', userAgent: 'jest' };

async function rejection<T extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => T,
) {
  try {
    await promise;
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}, but the promise resolved`);
}

const code = async (promise: Promise<unknown>) => (await rejection(promise, AppError)).code;

describeEngines('the account data layer', (database: TestDatabase) => {
  const clock = manualClock(Math.floor(Date.now() / 1000));
  let services: Services;
  let drop: () => Promise<void>;
  let adminId: string;

  const start = async (env: Record<string, string> = {}) => {
    const created = await database.create();
    const runtime = loadRuntime({ ...TEST_ENV, DATABASE_URL: created.url, ...env }, { clock });
    return { services: await startServices(runtime, createLogger('silent'), { clock }), drop: created.drop };
  };

  beforeAll(async () => {
    ({ services, drop } = await start());
    adminId = (
      await services.users.createUser({ username: 'Ada', password: PASSWORD, scopes: ['admin'] }, {})
    ).id;
  });
  afterAll(async () => {
    await services.close();
    await drop();
  });

  describe('schema', () => {
    it('migrates once: running the migrations again applies nothing', async () => {
      expect(await migrateToLatest(services.database.db, services.database.engine)).toEqual([]);
    });

    it('stores a self-describing scrypt hash, never the password', async () => {
      const row = await services.database.db
        .selectFrom('users')
        .selectAll()
        .where('username', '=', 'Ada')
        .executeTakeFirstOrThrow();
      expect(row.password_hash).toMatch(/^scrypt\$ln=10,r=8,p=1\$/);
      expect(JSON.stringify(row)).not.toContain(PASSWORD);
    });
  });

  describe('users', () => {
    it('keeps usernames unique regardless of case', async () => {
      const error = await rejection(
        services.users.createUser({ username: 'ADA', password: PASSWORD, scopes: [] }, {}),
        InputError,
      );
      expect(error).toMatchObject({ field: 'username', rule: 'taken' });
    });

    it.each([
      ['a too-short username', { username: 'ab' }, 'username', 'length'],
      ['a username starting with a dash', { username: '-dash' }, 'username', 'characters'],
      ['SQL in a username', { username: 'robert"); DROP TABLE users;--' }, 'username', 'characters'],
      ['a short password', { password: 'short1' }, 'password', 'min_length'],
      ['a one-character password', { password: 'aaaaaaaaaaaaaaaa' }, 'password', 'variety'],
      [
        'a password containing the username',
        { username: 'grace', password: 'my-name-is-GRACE!' },
        'password',
        'contains_username',
      ],
      ['a 300-character password', { password: 'x1y2z3'.repeat(50) }, 'password', 'max_length'],
      ['a scope with a space', { scopes: ['has space'] }, 'scopes', 'scope_syntax'],
    ])('refuses %s, naming the field and rule', async (_case, input, field, rule) => {
      const request = { username: 'grace', password: PASSWORD, scopes: [], ...input };
      expect(await rejection(services.users.createUser(request, {}), InputError)).toMatchObject({
        field,
        rule,
      });
    });

    it('cannot grant or take away scopes the actor does not hold', async () => {
      const actor = { userId: adminId, grantableScopes: ['admin', 'read'] };
      expect(
        await rejection(
          services.users.createUser({ username: 'mallory', password: PASSWORD, scopes: ['root'] }, actor),
          ForbiddenError,
        ),
      ).toMatchObject({ missingScopes: ['root'] });
      const bob = await services.users.createUser(
        { username: 'bob', password: PASSWORD, scopes: ['read'] },
        actor,
      );
      expect((await services.users.setUserScopes(bob.id, ['read', 'admin'], actor)).scopes).toEqual([
        'read',
        'admin',
      ]);
      const boss = await services.users.createUser(
        { username: 'boss', password: PASSWORD, scopes: ['root'] },
        {},
      );
      await rejection(services.users.setUserScopes(boss.id, [], actor), ForbiddenError);
      await rejection(
        services.users.setUserScopes('00000000-0000-0000-0000-000000000000', [], actor),
        NotFoundError,
      );
    });

    it('pages through users by username with a bounded page size', async () => {
      for (const name of ['carol', 'dave', 'erin']) {
        await services.users.createUser({ username: name, password: PASSWORD, scopes: [] }, {});
      }
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await services.users.listUsers(2, after);
        seen.push(...page.users.map((user) => user.username));
        if (!page.hasNextPage) break;
        after = page.endCursor!;
      }
      expect(seen).toEqual([...seen].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
      expect(seen).toEqual(expect.arrayContaining(['Ada', 'carol', 'dave', 'erin']));
      expect(await rejection(services.users.listUsers(101, undefined), InputError)).toMatchObject({
        field: 'first',
      });
      expect(await rejection(services.users.listUsers(0, undefined), InputError)).toMatchObject({
        field: 'first',
      });
      expect(await rejection(services.users.listUsers(2, 'not a cursor!'), InputError)).toMatchObject({
        field: 'after',
      });
    });
  });

  describe('login and refresh-token rotation', () => {
    let session: Session;

    beforeAll(async () => {
      await services.users.createUser({ username: 'jane', password: PASSWORD, scopes: ['read'] }, {});
    });
    beforeEach(async () => {
      session = await services.accounts.login('JANE', PASSWORD, HOME);
    });

    it('logs in case-insensitively and issues an access token with the granted scopes', () => {
      expect(session.user).toMatchObject({ username: 'jane', scopes: ['read'] });
      expect(session.accessToken.scopes).toEqual(['read']);
      expect(session.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it('stores only the hash of a refresh token, with the client that created it', async () => {
      const rows = await services.database.db.selectFrom('refresh_tokens').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(session.refreshToken);
      expect(rows.at(-1)).toMatchObject({ ip: '192.0.2.10', user_agent: 'jest' });
    });

    it('gives the same INVALID_CREDENTIALS for a wrong password, an unknown user and a disabled user', async () => {
      expect(await code(services.accounts.login('jane', 'wrong password!!', HOME))).toBe(
        'INVALID_CREDENTIALS',
      );
      expect(await code(services.accounts.login('nobody', PASSWORD, HOME))).toBe('INVALID_CREDENTIALS');
      const frank = await services.users.createUser(
        { username: 'frank', password: PASSWORD, scopes: [] },
        {},
      );
      await services.users.setDisabled(frank.id, true, { userId: adminId });
      expect(await code(services.accounts.login('frank', PASSWORD, HOME))).toBe('INVALID_CREDENTIALS');
    });

    it('rotates: each refresh returns a new token and retires the old one', async () => {
      const next = await services.accounts.refresh(session.refreshToken, HOME);
      expect(next.refreshToken).not.toBe(session.refreshToken);
      expect(next.user.username).toBe('jane');
      const third = await services.accounts.refresh(next.refreshToken, HOME);
      expect(third.accessToken.token).toBeDefined();
    });

    it('treats a retired token presented again as theft and ends the whole session', async () => {
      const next = await services.accounts.refresh(session.refreshToken, HOME);
      clock.advance(60);
      expect(await code(services.accounts.refresh(session.refreshToken, HOME))).toBe('REFRESH_TOKEN_REUSED');
      // The thief's replay also ended the legitimate successor.
      expect(await code(services.accounts.refresh(next.refreshToken, HOME))).toBe('REFRESH_TOKEN_INVALID');
    });

    it('lets exactly one of two concurrent refreshes win, without ending the session', async () => {
      const results = await Promise.allSettled([
        services.accounts.refresh(session.refreshToken, HOME),
        services.accounts.refresh(session.refreshToken, HOME),
      ]);
      const won = results.filter(
        (result): result is PromiseFulfilledResult<Session> => result.status === 'fulfilled',
      );
      expect(won).toHaveLength(1);
      const lost = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
      expect((lost.reason as AppError).code).toBe('REFRESH_TOKEN_INVALID');
      expect((await services.accounts.refresh(won[0]!.value.refreshToken, HOME)).user.username).toBe('jane');
    });

    it('expires refresh tokens after REFRESH_TOKEN_TTL', async () => {
      clock.advance(14 * 86_400 + 1);
      expect(await code(services.accounts.refresh(session.refreshToken, HOME))).toBe('REFRESH_TOKEN_INVALID');
    });

    it('ends a session at SESSION_MAX_AGE however often it is refreshed', async () => {
      let current = session;
      for (let day = 0; day < 29; day += 1) {
        clock.advance(86_400);
        current = await services.accounts.refresh(current.refreshToken, HOME);
      }
      expect(current.refreshTokenExpiresAt.getTime()).toBeLessThanOrEqual(clock() + 86_400_000);
      clock.advance(86_400 + 1);
      expect(await code(services.accounts.refresh(current.refreshToken, HOME))).toBe('REFRESH_TOKEN_INVALID');
    });

    it.each([
      ['an empty string', ''],
      ['a short string', 'short'],
      ['a well-shaped token never issued', 'x'.repeat(43)],
      ['a token with a character outside base64url', `${'a'.repeat(42)}!`],
      ['5000 characters', 'a'.repeat(5000)],
    ])('refuses %s as REFRESH_TOKEN_INVALID', async (_case, token) => {
      expect(await code(services.accounts.refresh(token, HOME))).toBe('REFRESH_TOKEN_INVALID');
    });

    it('logs out one session, and only the caller can', async () => {
      const other = await services.accounts.login('jane', PASSWORD, HOME);
      await services.accounts.logout(session.refreshToken, adminId); // not Ada's token: nothing happens
      const next = await services.accounts.refresh(session.refreshToken, HOME);
      await services.accounts.logout(next.refreshToken, next.user.id);
      expect(await code(services.accounts.refresh(next.refreshToken, HOME))).toBe('REFRESH_TOKEN_INVALID');
      expect((await services.accounts.refresh(other.refreshToken, HOME)).user.username).toBe('jane');
    });

    it('revokes every session of the caller and says how many', async () => {
      const second = await services.accounts.login('jane', PASSWORD, HOME);
      const revoked = await services.accounts.revokeAllSessions(session.user.id);
      expect(revoked).toBeGreaterThanOrEqual(2);
      expect(await code(services.accounts.refresh(second.refreshToken, HOME))).toBe('REFRESH_TOKEN_INVALID');
      expect(await services.accounts.revokeAllSessions(session.user.id)).toBe(0);
    });

    it('disabling a user ends their sessions; enabling lets them back in', async () => {
      await services.users.setDisabled(session.user.id, true, { userId: adminId });
      expect(await code(services.accounts.refresh(session.refreshToken, HOME))).toBe('REFRESH_TOKEN_INVALID');
      await services.users.setDisabled(session.user.id, false, { userId: adminId });
      expect((await services.accounts.login('jane', PASSWORD, HOME)).user.username).toBe('jane');
    });

    it('refuses to let an admin disable their own account', async () => {
      expect(
        await rejection(services.users.setDisabled(adminId, true, { userId: adminId }), InputError),
      ).toMatchObject({ rule: 'self' });
    });
  });

  describe('password change', () => {
    it('checks the current password and the policy, then ends every other session', async () => {
      await services.users.createUser({ username: 'kim', password: PASSWORD, scopes: [] }, {});
      const laptop = await services.accounts.login('kim', PASSWORD, HOME);
      const phone = await services.accounts.login('kim', PASSWORD, HOME);
      const id = laptop.user.id;
      expect(
        await code(services.accounts.changePassword(id, 'not my password', 'a brand new secret', HOME)),
      ).toBe('INVALID_CREDENTIALS');
      // An over-long current password is refused before any hashing work.
      expect(
        await code(services.accounts.changePassword(id, 'x'.repeat(2000), 'a brand new secret', HOME)),
      ).toBe('INVALID_CREDENTIALS');
      expect(
        await rejection(services.accounts.changePassword(id, PASSWORD, 'short', HOME), InputError),
      ).toMatchObject({ field: 'newPassword', rule: 'min_length' });
      expect(
        await rejection(services.accounts.changePassword(id, PASSWORD, PASSWORD, HOME), InputError),
      ).toMatchObject({ rule: 'unchanged' });

      const fresh = await services.accounts.changePassword(id, PASSWORD, 'a brand new secret', HOME);
      expect(await code(services.accounts.refresh(phone.refreshToken, HOME))).toBe('REFRESH_TOKEN_INVALID');
      expect(await code(services.accounts.refresh(laptop.refreshToken, HOME))).toBe('REFRESH_TOKEN_INVALID');
      expect((await services.accounts.refresh(fresh.refreshToken, HOME)).user.username).toBe('kim');
      expect(await code(services.accounts.login('kim', PASSWORD, HOME))).toBe('INVALID_CREDENTIALS');
      expect((await services.accounts.login('kim', 'a brand new secret', HOME)).user.username).toBe('kim');
    });

    it('answers NOT_FOUND for a token whose subject is not a user (a service token)', async () => {
      await rejection(
        services.accounts.changePassword('billing-service', PASSWORD, 'a brand new secret', HOME),
        NotFoundError,
      );
    });
  });

  describe('login throttling', () => {
    let throttled: Services;
    let dropThrottled: () => Promise<void>;

    beforeAll(async () => {
      ({ services: throttled, drop: dropThrottled } = await start({
        LOGIN_MAX_FAILURES_PER_USERNAME_AND_IP: '3',
        LOGIN_MAX_FAILURES_PER_IP: '5',
      }));
      await throttled.users.createUser({ username: 'lee', password: PASSWORD, scopes: [] }, {});
      await throttled.users.createUser({ username: 'max', password: PASSWORD, scopes: [] }, {});
    });
    afterAll(async () => {
      await throttled.close();
      await dropThrottled();
    });

    it('blocks a username from the address that failed, says when to retry, and lets its owner in elsewhere', async () => {
      const attacker = { ip: '198.51.100.1', userAgent: undefined };
      for (let attempt = 0; attempt < 3; attempt += 1) {
        expect(await code(throttled.accounts.login('lee', 'guess number one', attacker))).toBe(
          'INVALID_CREDENTIALS',
        );
      }
      const error = await rejection(throttled.accounts.login('lee', PASSWORD, attacker), RateLimitError);
      expect(error.retryAfterSeconds).toBeGreaterThan(0);
      expect(error.retryAfterSeconds).toBeLessThanOrEqual(900);
      const home = { ip: '198.51.100.2', userAgent: undefined };
      expect((await throttled.accounts.login('lee', PASSWORD, home)).user.username).toBe('lee');
    });

    it('blocks a client address that fails across many usernames', async () => {
      const sprayer = { ip: '203.0.113.9', userAgent: undefined };
      for (const name of ['u1', 'u2', 'u3', 'u4', 'u5']) {
        expect(await code(throttled.accounts.login(name, 'guess number two', sprayer))).toBe(
          'INVALID_CREDENTIALS',
        );
      }
      await rejection(throttled.accounts.login('max', PASSWORD, sprayer), RateLimitError);
      expect((await throttled.accounts.login('max', PASSWORD, HOME)).user.username).toBe('max');
    });

    it('clears a username count on success', async () => {
      const me = { ip: '192.0.2.77', userAgent: undefined };
      await code(throttled.accounts.login('max', 'typo in password', me));
      await code(throttled.accounts.login('max', 'typo in password', me));
      await throttled.accounts.login('max', PASSWORD, me);
      await code(throttled.accounts.login('max', 'typo in password', me));
      await code(throttled.accounts.login('max', 'typo in password', me));
      expect((await throttled.accounts.login('max', PASSWORD, me)).user.username).toBe('max');
    });
  });

  describe('purging ended sessions', () => {
    it('deletes rows that stopped working more than REFRESH_TOKEN_RETENTION ago, and keeps what reuse detection needs', async () => {
      const later = manualClock(Math.floor(Date.now() / 1000));
      const created = await database.create();
      const env = { ...TEST_ENV, DATABASE_URL: created.url, REFRESH_TOKEN_RETENTION: '1d' };
      const own = await startServices(loadRuntime(env, { clock: later }), createLogger('silent'), {
        clock: later,
      });
      const rows = async () =>
        (await own.database.db.selectFrom('refresh_tokens').select('id').execute()).length;
      try {
        await own.users.createUser({ username: 'pat', password: PASSWORD, scopes: [] }, {});
        const ended = await own.accounts.login('pat', PASSWORD, HOME);
        await own.accounts.logout(ended.refreshToken, ended.user.id);
        const first = await own.accounts.login('pat', PASSWORD, HOME);
        const live = await own.accounts.refresh(first.refreshToken, HOME);
        expect(await own.accounts.purgeEndedSessions()).toBe(0);

        later.advance(2 * 86_400);
        // The logged-out session goes; the live one keeps its rotated token, so a replay is still caught.
        expect(await own.accounts.purgeEndedSessions()).toBe(1);
        expect(await rows()).toBe(2);
        expect(await code(own.accounts.refresh(first.refreshToken, HOME))).toBe('REFRESH_TOKEN_REUSED');

        // Past the session's end and the retention, nothing of it is left.
        const again = await own.accounts.login('pat', PASSWORD, HOME);
        expect(await rows()).toBe(3);
        later.advance(32 * 86_400);
        expect(await own.accounts.purgeEndedSessions()).toBe(3);
        expect(await rows()).toBe(0);
        expect(await code(own.accounts.refresh(again.refreshToken, HOME))).toBe('REFRESH_TOKEN_INVALID');
        expect(live.refreshToken).not.toBe(first.refreshToken);
      } finally {
        await own.close();
        await created.drop();
      }
    });
  });

  describe('password hashes', () => {
    it('upgrades a hash made with a lower cost at the next login', async () => {
      const { services: stronger, drop: dropStronger } = await start({ PASSWORD_SCRYPT_LOG2N: '11' });
      try {
        const weak = await createPasswordHasher(10).hash(PASSWORD);
        await stronger.database.db
          .insertInto('users')
          .values({
            id: 'legacy',
            username: 'legacy',
            username_key: 'legacy',
            password_hash: weak,
            scopes: '',
            disabled_at: null,
            created_at: 0,
            updated_at: 0,
          })
          .execute();
        await stronger.accounts.login('legacy', PASSWORD, HOME);
        const row = await stronger.database.db
          .selectFrom('users')
          .select('password_hash')
          .where('id', '=', 'legacy')
          .executeTakeFirstOrThrow();
        expect(row.password_hash).toMatch(/^scrypt\$ln=11,/);
        expect((await stronger.accounts.login('legacy', PASSWORD, HOME)).user.id).toBe('legacy');
      } finally {
        await stronger.close();
        await dropStronger();
      }
    });
  });

  describe('a database that is gone', () => {
    it('fails with SERVICE_UNAVAILABLE, leaks nothing and keeps no half-written session', async () => {
      const { services: doomed, drop: dropDoomed } = await start();
      await doomed.users.createUser({ username: 'nina', password: PASSWORD, scopes: [] }, {});
      // The database goes (its listening connection with it: left open, it kept the test worker alive).
      await doomed.close();
      const error = await rejection(doomed.accounts.login('nina', PASSWORD, HOME), AppError);
      expect(error.code).toBe('SERVICE_UNAVAILABLE');
      expect(error.message).not.toMatch(/select|driver|destroyed|sql/i);
      expect(await code(doomed.users.listUsers(10, undefined))).toBe('SERVICE_UNAVAILABLE');
      await dropDoomed();
    });

    it('rolls a failed rotation back: the old token is not spent', async () => {
      await services.users.createUser({ username: 'omar', password: PASSWORD, scopes: [] }, {});
      const session = await services.accounts.login('omar', PASSWORD, HOME);
      const db = services.database.db;
      // A trigger makes the successor's insert fail after the old token was marked used, in one transaction.
      const [block, unblock] =
        database.engine === 'sqlite'
          ? [
              [
                "CREATE TRIGGER block_insert BEFORE INSERT ON refresh_tokens BEGIN SELECT RAISE(ABORT, 'blocked'); END",
              ],
              ['DROP TRIGGER block_insert'],
            ]
          : [
              [
                "CREATE FUNCTION block_insert() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'blocked'; END $$ LANGUAGE plpgsql",
                'CREATE TRIGGER block_insert BEFORE INSERT ON refresh_tokens FOR EACH ROW EXECUTE FUNCTION block_insert()',
              ],
              ['DROP TRIGGER block_insert ON refresh_tokens', 'DROP FUNCTION block_insert()'],
            ];
      for (const statement of block) await sql.raw(statement).execute(db);
      try {
        expect(await code(services.accounts.refresh(session.refreshToken, HOME))).toBe('SERVICE_UNAVAILABLE');
      } finally {
        for (const statement of unblock) await sql.raw(statement).execute(db);
      }
      clock.advance(60);
      expect((await services.accounts.refresh(session.refreshToken, HOME)).user.username).toBe('omar');
    });
  });
});

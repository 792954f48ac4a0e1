import { Migrator } from 'kysely';
import { loadRuntime } from '../../src/bootstrap';
import { openDatabase } from '../../src/db/database';
import { API_MIGRATIONS, migrateToLatest } from '../../src/db/migrations';
import { TEST_ENV } from '../fixtures/keys';
import { describeEngines } from '../helpers/databases';

/** A database as the API left it before sessions kept their devices: migrated to 0002, with a family in it. */
describeEngines('migration 0003: sessions of a database from before it', (database) => {
  it('gives every existing family the time of its first token, and lists it', async () => {
    const created = await database.create();
    const { config } = loadRuntime({ ...TEST_ENV, DATABASE_URL: created.url });
    const opened = openDatabase(config.database);
    const { db, engine } = opened;
    try {
      const before = Object.fromEntries(Object.entries(API_MIGRATIONS).filter(([name]) => name < '0003'));
      const { error } = await new Migrator({
        db,
        provider: { getMigrations: async () => before },
        ...(engine === 'postgres' && {
          migrationTableSchema: new URL(created.url).searchParams.get('options')!.split('=')[1],
        }),
      }).migrateToLatest();
      expect(error).toBeUndefined();
      const now = Date.now();
      await db
        .insertInto('users')
        .values({
          id: 'u1',
          username: 'old',
          username_key: 'old',
          password_hash: 'x',
          scopes: '',
          disabled_at: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      const row = (id: string, createdAt: number, usedAt: number | null) => ({
        id,
        token_hash: `hash-${id}`,
        family_id: 'family-1',
        user_id: 'u1',
        created_at: createdAt,
        expires_at: now + 86_400_000,
        session_expires_at: now + 2 * 86_400_000,
        used_at: usedAt,
        replaced_by: null,
        revoked_at: null,
        user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
        ip: '192.0.2.1',
      });
      // The old schema has no session_created_at nor device_label yet.
      await (
        db as unknown as {
          insertInto(table: string): { values(rows: unknown[]): { execute(): Promise<unknown> } };
        }
      )
        .insertInto('refresh_tokens')
        .values([row('t1', now - 60_000, now - 30_000), row('t2', now - 30_000, null)])
        .execute();
      expect(await migrateToLatest(db, engine)).toEqual(['0003_session_devices']);
      const { sessionRepository } = await import('../../src/accounts/session-repository');
      expect(await sessionRepository(db).liveSessions('u1', now)).toEqual([
        {
          id: 'family-1',
          userId: 'u1',
          createdAt: now - 60_000,
          lastUsedAt: now - 30_000,
          expiresAt: now + 86_400_000,
          ipAddress: '192.0.2.1',
          userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
          deviceLabel: 'Firefox on Linux',
        },
      ]);
    } finally {
      await opened.close();
      await created.drop();
    }
  });
});

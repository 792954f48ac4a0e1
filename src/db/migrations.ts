import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { type DatabaseSchema } from './schema';

/**
 * Versioned migrations, in code so they ship inside the build. Never edit one that has been released: add
 * the next number. Types are chosen to mean the same on SQLite and PostgreSQL.
 */
export const API_MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_users_and_refresh_tokens': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('username', 'text', (column) => column.notNull())
        .addColumn('username_key', 'text', (column) => column.notNull().unique())
        .addColumn('password_hash', 'text', (column) => column.notNull())
        .addColumn('scopes', 'text', (column) => column.notNull().defaultTo(''))
        .addColumn('disabled_at', 'bigint')
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('updated_at', 'bigint', (column) => column.notNull())
        .execute();
      await db.schema
        .createTable('refresh_tokens')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('token_hash', 'text', (column) => column.notNull().unique())
        .addColumn('family_id', 'text', (column) => column.notNull())
        .addColumn('user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('expires_at', 'bigint', (column) => column.notNull())
        .addColumn('session_expires_at', 'bigint', (column) => column.notNull())
        .addColumn('used_at', 'bigint')
        .addColumn('replaced_by', 'text')
        .addColumn('revoked_at', 'bigint')
        .addColumn('user_agent', 'text')
        .addColumn('ip', 'text')
        .execute();
      await db.schema.createIndex('refresh_tokens_family').on('refresh_tokens').column('family_id').execute();
      await db.schema.createIndex('refresh_tokens_user').on('refresh_tokens').column('user_id').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('refresh_tokens').execute();
      await db.schema.dropTable('users').execute();
    },
  },
  '0002_revocations_and_audit_events': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('revocations')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('kind', 'text', (column) => column.notNull())
        .addColumn('key', 'text', (column) => column.notNull())
        .addColumn('revoked_at', 'bigint', (column) => column.notNull())
        .addColumn('expires_at', 'bigint', (column) => column.notNull())
        .execute();
      await db.schema.createIndex('revocations_expiry').on('revocations').column('expires_at').execute();
      await db.schema
        .createTable('audit_events')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('at', 'bigint', (column) => column.notNull())
        .addColumn('type', 'text', (column) => column.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('user_id', 'text')
        .addColumn('username', 'text')
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('details', 'text', (column) => column.notNull().defaultTo('{}'))
        .execute();
      await db.schema.createIndex('audit_events_time').on('audit_events').columns(['at', 'id']).execute();
      await db.schema
        .createIndex('audit_events_user')
        .on('audit_events')
        .columns(['user_id', 'at'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('audit_events').execute();
      await db.schema.dropTable('revocations').execute();
    },
  },
  '0003_session_devices': {
    // A session is a family of refresh tokens; its live token (the one not yet used) says when the session
    // was last used, from where and on what. What every token of the family carries from the login: when it
    // began, and the device's label. Families from before this migration begin with their oldest row.
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('refresh_tokens').addColumn('session_created_at', 'bigint').execute();
      await db.schema.alterTable('refresh_tokens').addColumn('device_label', 'text').execute();
      await sql`update refresh_tokens set session_created_at = (select min(r.created_at) from refresh_tokens r where r.family_id = refresh_tokens.family_id)`.execute(
        db,
      );
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('refresh_tokens').dropColumn('device_label').execute();
      await db.schema.alterTable('refresh_tokens').dropColumn('session_created_at').execute();
    },
  },
};

/** The API's migrations and those of its domain modules (each named after its module). */
function providerFor(modules: readonly { readonly migrations: Readonly<Record<string, Migration>> }[]) {
  const all: Record<string, Migration> = { ...API_MIGRATIONS };
  for (const module of modules) Object.assign(all, module.migrations);
  return { getMigrations: async () => all } satisfies MigrationProvider;
}

/**
 * Brings the database to the latest version. Safe to run from several instances at once: Kysely takes a
 * lock for the duration.
 * @returns the names of the migrations applied by this call
 * @throws Error naming the migration that failed
 */
export async function migrateToLatest(
  db: Kysely<DatabaseSchema>,
  engine: 'sqlite' | 'postgres',
  modules: readonly { readonly migrations: Readonly<Record<string, Migration>> }[] = [],
): Promise<string[]> {
  // Kysely looks for its bookkeeping tables in every schema; name ours, so a database whose search_path
  // points at another schema (one per tenant, or per test) gets its own.
  const schema =
    engine === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db,
    provider: providerFor(modules),
    // Kysely runs migrations in name order and by default refuses one that sorts before an applied one: the
    // API's next migration (0003_…) sorts before a module's (notes_0001_…) that a database already has.
    allowUnorderedMigrations: true,
    ...(schema && { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed`, { cause: error });
  }
  return (results ?? []).map((result) => result.migrationName);
}

/** Drops nothing, changes nothing: answers whether the database responds. */
export async function ping(db: Kysely<DatabaseSchema>): Promise<void> {
  await sql`select 1`.execute(db);
}

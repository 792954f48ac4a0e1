import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, type LogEvent, PostgresDialect, SqliteDialect } from 'kysely';
import { Pool, TypeOverrides, types } from 'pg';
import { type Config } from '../config';
import { type DatabaseSchema } from './schema';

// bigint columns hold epoch milliseconds, well inside Number's exact range; pg would return strings.
const numericBigints = new TypeOverrides();
numericBigints.setTypeParser(types.builtins.INT8, Number);

export interface Database {
  readonly db: Kysely<DatabaseSchema>;
  readonly engine: 'sqlite' | 'postgres';
  /** The PostgreSQL pool, for the shared login limiter; undefined on SQLite. */
  readonly pool: Pool | undefined;
  close(): Promise<void>;
}

/**
 * Opens the database named by `DATABASE_URL`. Nothing is queried yet: a PostgreSQL server that is down
 * shows up on the first query (as SERVICE_UNAVAILABLE), not here, so the API still starts and serves `me`.
 */
export interface DatabaseHooks {
  /** An idle PostgreSQL connection failed (the server went away); the pool replaces it. */
  readonly onIdleError?: (error: Error) => void;
  /**
   * Called once per query run, after it ran, with its text (placeholders, no values), duration and any
   * error: how tests prove a path reads no database, and where tracing draws query spans.
   */
  readonly onQuery?: (event: LogEvent) => void;
}

export function openDatabase(config: Config['database'], hooks: DatabaseHooks = {}): Database {
  const log = hooks.onQuery;
  if (config.engine === 'sqlite') {
    const file = config.url.slice('sqlite:'.length);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const sqlite = new SqliteDatabase(file, { timeout: config.queryTimeoutMs });
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    const db = new Kysely<DatabaseSchema>({ dialect: new SqliteDialect({ database: sqlite }), log });
    return { db, engine: 'sqlite', pool: undefined, close: () => db.destroy() };
  }

  const pool = new Pool({
    connectionString: config.url,
    max: 10,
    connectionTimeoutMillis: config.queryTimeoutMs,
    query_timeout: config.queryTimeoutMs,
    statement_timeout: config.queryTimeoutMs,
    types: numericBigints,
  });
  // An idle client losing its server must not become an unhandled 'error' event that ends the process.
  pool.on('error', (error) => hooks.onIdleError?.(error));
  const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }), log });
  return { db, engine: 'postgres', pool, close: () => db.destroy() };
}

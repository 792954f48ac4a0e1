import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The PostgreSQL server tests use; CI and the dev machines run one here with trust auth. */
export const TEST_POSTGRES_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/test';

/** Set by test/global-setup.ts after probing the server once for the whole run. */
export const POSTGRES_AVAILABLE = process.env.TEST_POSTGRES_AVAILABLE === '1';

export interface TestDatabase {
  readonly engine: 'sqlite' | 'postgres';
  /** A fresh, empty database for one suite: a private schema on PostgreSQL, memory on SQLite. */
  create(): Promise<{ url: string; drop: () => Promise<void> }>;
}

const sqlite: TestDatabase = {
  engine: 'sqlite',
  create: async () => ({ url: 'sqlite::memory:', drop: async () => {} }),
};

const postgres: TestDatabase = {
  engine: 'postgres',
  async create() {
    const schema = `test_${randomBytes(6).toString('hex')}`;
    const admin = new Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.end();
    const separator = TEST_POSTGRES_URL.includes('?') ? '&' : '?';
    return {
      url: `${TEST_POSTGRES_URL}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
      drop: async () => {
        const client = new Client({ connectionString: TEST_POSTGRES_URL });
        await client.connect();
        await client.query(`DROP SCHEMA "${schema}" CASCADE`);
        await client.end();
      },
    };
  },
};

/**
 * Both engines, for suites that must prove the same behaviour on each. Without a PostgreSQL server (and
 * outside CI) its half is skipped, and global setup has said so.
 */
export const ENGINES: ReadonlyArray<[string, TestDatabase, boolean]> = [
  ['sqlite', sqlite, true],
  ['postgres', postgres, POSTGRES_AVAILABLE],
];

/** `describe` for an available engine, `describe.skip` (reported as skipped) otherwise. */
export function describeEngines(title: string, body: (database: TestDatabase) => void): void {
  for (const [name, database, available] of ENGINES) {
    (available ? describe : describe.skip)(`${title} [${name}]`, () => body(database));
  }
}

import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Where the benchmark may create databases: the machine's PostgreSQL (BENCH_POSTGRES_URL). */
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/test';

/** A fresh, empty database for one server process, and how to drop it once that process is gone. */
export async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  const admin = new Client({ connectionString: ADMIN_URL });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const name = `bench_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

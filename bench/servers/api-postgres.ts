import 'reflect-metadata';
import { announce } from '../fixtures';
import { seededApi } from '../seed';

/**
 * (1pg) (1) on PostgreSQL: the database the harness created for it (BENCH_DATABASE_URL, postgres.ts), so
 * logins and refreshes meet the row locks of READ COMMITTED instead of SQLite's single writer.
 */
async function main(): Promise<void> {
  const { app } = await seededApi({ env: { DATABASE_URL: process.env.BENCH_DATABASE_URL! } });
  announce(`${await app.listen({ host: '127.0.0.1', port: 0 })}/graphql`);
}

void main();

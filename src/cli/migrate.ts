import 'reflect-metadata';
import { config as loadDotenv } from 'dotenv';
import { parseConfig } from '../config';
import { openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrations';
import { describeError } from '../errors';

/** Entry point of `npm run migrate`: applies pending migrations to DATABASE_URL (the server does so too). */
async function main(): Promise<number> {
  loadDotenv({ quiet: true });
  const config = parseConfig(process.env);
  const database = openDatabase(config.database);
  try {
    const applied = await migrateToLatest(database.db, database.engine);
    process.stderr.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'already up to date\n');
    return 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`migration failed: ${describeError(error)}\n`);
    process.exitCode = 1;
  },
);

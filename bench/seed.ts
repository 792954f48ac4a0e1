import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRuntime, type Runtime, type Services, startServices } from '../src/bootstrap';
import { createLogger } from '../src/logger';
import { KEY_ID, SECRET, USERS } from './fixtures';

/**
 * The API's runtime and services in production mode, on a fresh SQLite file holding the benchmark's users.
 * LOG_LEVEL is warn: at info every request writes two log lines, which the peers do not.
 */
export async function seededApi(): Promise<{
  runtime: Runtime;
  services: Services;
  logger: ReturnType<typeof createLogger>;
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-api-'));
  const env = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    SIGNING_KEY: SECRET,
    SIGNING_KEY_ID: KEY_ID,
    DATABASE_URL: `sqlite:${join(dataDir, 'api.sqlite')}`,
    PASSWORD_SCRYPT_LOG2N: '14',
  };
  const logger = createLogger('warn');
  const runtime = loadRuntime(env, { logger });
  const services = await startServices(runtime, logger);
  const now = Date.now();
  await services.database.db
    .insertInto('users')
    .values(
      USERS.map((user) => ({
        id: user.id,
        username: user.username,
        username_key: user.username,
        password_hash: 'scrypt$unused',
        scopes: user.scopes.join(' '),
        disabled_at: null,
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
  return { runtime, services, logger };
}

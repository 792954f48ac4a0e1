import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuditTrail } from '../src/audit/audit-trail';
import { type Revocation, REVOCATION_KINDS } from '../src/auth/revocation-registry';
import { type Logger } from 'pino';
import { type AssembledApi, assembleApi, assembleServices } from '../src/assembly';
import { type Runtime, type Services } from '../src/bootstrap';
import { type Config, parseConfig } from '../src/config';
import { type Tracing } from '../src/observability/tracing-hooks';
import { createLogger } from '../src/logger';
import { ACCOUNT, KEY_ID, SECRET, USERS } from './fixtures';

export interface SeedOptions {
  /** Live revocations to hold, spread over the four kinds, none matching the benchmark's token. */
  readonly revocations?: number;
  /** Replaces the audit trail (the no-audit variant). */
  readonly audit?: AuditTrail;
  /** More settings, such as METRICS_TOKEN (the metrics variant). */
  readonly env?: Readonly<Record<string, string>>;
  /** Spans for everything (the tracing variant). */
  readonly tracing?: Tracing;
}

/** The benchmark's configuration: production mode on a fresh SQLite file. */
function benchConfig(options: SeedOptions): Config {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-api-'));
  return parseConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    SIGNING_KEY: SECRET,
    SIGNING_KEY_ID: KEY_ID,
    DATABASE_URL: `sqlite:${join(dataDir, 'api.sqlite')}`,
    PASSWORD_SCRYPT_LOG2N: '14',
    LOGIN_MAX_ATTEMPTS_PER_IP: '1000000000',
    LOGIN_MAX_FAILURES_PER_IP: '1000000000',
    LOGIN_MAX_FAILURES_PER_USERNAME_AND_IP: '1000000000',
    // The socket benchmark opens 2 000 sockets of one user from one address.
    WS_MAX_SOCKETS_PER_USER: '10000',
    WS_MAX_SOCKETS_PER_ADDRESS: '10000',
    // Nine servers under valgrind share two cores, each a hundred times slower than usual: a request can
    // outlast the 30 s default (a run was lost to one 408), which is no property of the server's own.
    ...(process.env.BENCH_UNDER_VALGRIND === '1'
      ? { HTTP_REQUEST_TIMEOUT: '600', HTTP_HEADERS_TIMEOUT: '600' }
      : {}),
    ...options.env,
  });
}

/**
 * The API as src/index.ts assembles it (assembleApi), in production mode, on a fresh SQLite file holding
 * the benchmark's users and one account with a real password (logins and refreshes). LOG_LEVEL is warn: at
 * info every request writes two log lines, which the peers do not. The login throttle is opened wide: the
 * load comes from one address.
 */
export async function seededApi(options: SeedOptions = {}): Promise<AssembledApi> {
  const api = await assembleApi(benchConfig(options), {
    logger: createLogger('warn'),
    ...(options.tracing && { tracing: options.tracing }),
    ...(options.audit && { audit: options.audit }),
  });
  await seed(api.services, options);
  return api;
}

/**
 * The services alone, seeded as seededApi's, for the comparison servers that put a bare server of their
 * own over the same schema.
 */
export async function seededServices(options: SeedOptions = {}): Promise<{
  runtime: Runtime;
  services: Services;
  logger: Logger;
}> {
  const logger = createLogger('warn');
  const { runtime, services } = await assembleServices(benchConfig(options), {
    logger,
    ...(options.tracing && { tracing: options.tracing }),
    ...(options.audit && { audit: options.audit }),
  });
  await seed(services, options);
  return { runtime, services, logger };
}

async function seed(services: Services, options: SeedOptions): Promise<void> {
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
  await services.users.createUser({ ...ACCOUNT, scopes: [] }, {});
  if (options.revocations) {
    // Through the real path: stored, then applied to the registry as a committed revocation is.
    const revocations: Revocation[] = Array.from({ length: options.revocations }, (_, index) => ({
      kind: REVOCATION_KINDS[index % REVOCATION_KINDS.length]!,
      key: randomUUID(),
      at: now,
    }));
    await services.revocationFeed.record(services.database.db, revocations);
    services.revocationFeed.apply(revocations);
  }
}

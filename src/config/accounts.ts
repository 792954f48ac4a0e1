import { z } from 'zod';
import { duration, type EnvReader, flag } from './env-reader';

const DATABASE_URL = /^(sqlite:.+|postgres(ql)?:\/\/.+)$/;
const positive = z.coerce.number().int().min(1);

export interface DatabaseConfig {
  /** `sqlite:<path>` (or `sqlite::memory:`) or `postgres://…`. */
  readonly url: string;
  readonly engine: 'sqlite' | 'postgres';
  /** A query (or a connection attempt) taking longer fails with SERVICE_UNAVAILABLE. */
  readonly queryTimeoutMs: number;
}

export interface AccountsConfig {
  readonly refreshTokenTtlSeconds: number;
  /** A session (a refresh-token family) ends this long after login, however often it is refreshed. */
  readonly sessionMaxAgeSeconds: number;
  /** A refresh token presented again within this window after its rotation is a concurrent refresh, not theft. */
  readonly refreshReuseGraceSeconds: number;
  /**
   * Whether a rotated refresh token presented again within the grace by another client (another address
   * and another user agent) is still a retry; otherwise it is theft and ends the session.
   */
  readonly refreshReuseGraceAcrossClients: boolean;
  /** scrypt cost: N = 2^log2N. */
  readonly passwordScryptLog2N: number;
  /** Failed logins for one username from one address before that pair is refused (429) for the window. */
  readonly loginMaxFailuresPerUsernameAndIp: number;
  /** Failed logins from one address, any usernames, before the address is refused for the window. */
  readonly loginMaxFailuresPerIp: number;
  /** Failed logins for one username, from anywhere, after which its attempts are slowed (never refused). */
  readonly loginSlowdownAfterFailures: number;
  /** Logins from one address per window whatever their outcome: successful ones cost scrypt work too. */
  readonly loginMaxAttemptsPerIp: number;
  readonly loginThrottleWindowSeconds: number;
  /** Refresh-token rows of ended sessions are deleted this long after they stopped working. */
  readonly refreshTokenRetentionSeconds: number;
  /** While the revocation listener is down (PostgreSQL), the revocations table is read this often. */
  readonly revocationPollIntervalSeconds: number;
  /** Audit events are deleted this long after they happened. */
  readonly auditRetentionSeconds: number;
}

/** DATABASE_URL (default: a SQLite file in DATA_DIR), DB_QUERY_TIMEOUT. */
export function readDatabase(env: EnvReader, dataDir: string): DatabaseConfig {
  const url = env.read(
    'DATABASE_URL',
    z.string().regex(DATABASE_URL, 'expected sqlite:<path> or postgres://…'),
    `sqlite:${dataDir}/api.sqlite`,
  );
  const queryTimeout = env.read('DB_QUERY_TIMEOUT', duration(300), 5);
  if (queryTimeout < 1) env.problem('DB_QUERY_TIMEOUT: must be at least one second');
  return {
    url,
    engine: url.startsWith('sqlite:') ? 'sqlite' : 'postgres',
    queryTimeoutMs: queryTimeout * 1000,
  };
}

/** REFRESH_TOKEN_*, SESSION_MAX_AGE, REFRESH_REUSE_GRACE(_ACROSS_CLIENTS), PASSWORD_SCRYPT_LOG2N, LOGIN_*, REVOCATION_POLL_INTERVAL, AUDIT_RETENTION. */
export function readAccounts(env: EnvReader, production: boolean): AccountsConfig {
  const settings: AccountsConfig = {
    refreshTokenTtlSeconds: env.read('REFRESH_TOKEN_TTL', duration(365 * 86_400), 14 * 86_400),
    sessionMaxAgeSeconds: env.read('SESSION_MAX_AGE', duration(365 * 86_400), 30 * 86_400),
    refreshReuseGraceSeconds: env.read('REFRESH_REUSE_GRACE', duration(60), 2),
    refreshReuseGraceAcrossClients: env.read('REFRESH_REUSE_GRACE_ACROSS_CLIENTS', flag, false),
    passwordScryptLog2N: env.read('PASSWORD_SCRYPT_LOG2N', z.coerce.number().int().min(10).max(20), 15),
    loginMaxFailuresPerUsernameAndIp: env.read('LOGIN_MAX_FAILURES_PER_USERNAME_AND_IP', positive, 10),
    loginMaxFailuresPerIp: env.read('LOGIN_MAX_FAILURES_PER_IP', positive, 50),
    loginSlowdownAfterFailures: env.read('LOGIN_SLOWDOWN_AFTER_FAILURES', positive, 10),
    loginMaxAttemptsPerIp: env.read('LOGIN_MAX_ATTEMPTS_PER_IP', positive, 300),
    loginThrottleWindowSeconds: env.read('LOGIN_THROTTLE_WINDOW', duration(86_400), 15 * 60),
    refreshTokenRetentionSeconds: env.read('REFRESH_TOKEN_RETENTION', duration(365 * 86_400), 7 * 86_400),
    revocationPollIntervalSeconds: env.read('REVOCATION_POLL_INTERVAL', duration(60), 2),
    auditRetentionSeconds: env.read('AUDIT_RETENTION', duration(10 * 365 * 86_400), 90 * 86_400),
  };
  if (settings.revocationPollIntervalSeconds < 1)
    env.problem('REVOCATION_POLL_INTERVAL: at least one second');
  if (settings.auditRetentionSeconds < 86_400) env.problem('AUDIT_RETENTION: at least one day');
  if (settings.refreshTokenTtlSeconds < 60) env.problem('REFRESH_TOKEN_TTL: must be at least a minute');
  if (settings.sessionMaxAgeSeconds < settings.refreshTokenTtlSeconds) {
    env.problem('SESSION_MAX_AGE: must be at least REFRESH_TOKEN_TTL');
  }
  if (production && settings.passwordScryptLog2N < 14) {
    env.problem('PASSWORD_SCRYPT_LOG2N: at least 14 in production');
  }
  if (settings.loginThrottleWindowSeconds < 1)
    env.problem('LOGIN_THROTTLE_WINDOW: must be at least one second');
  return settings;
}

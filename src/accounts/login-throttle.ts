import { type Pool } from 'pg';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { type Config } from '../config';
import { RateLimitError } from '../errors';

/**
 * Counts failed logins per username and per client address (rate-limiter-flexible). Counting failures
 * rather than attempts means a user who types the right password is never slowed down; a successful login
 * clears its username's count. In memory for one instance; in PostgreSQL when instances share a database.
 */
export interface LoginThrottle {
  /** @throws RateLimitError when either count is exhausted */
  check(usernameKey: string, ip: string): Promise<void>;
  recordFailure(usernameKey: string, ip: string): Promise<void>;
  recordSuccess(usernameKey: string): Promise<void>;
}

type Limits = Pick<
  Config['accounts'],
  'loginMaxFailuresPerUsername' | 'loginMaxFailuresPerIp' | 'loginThrottleWindowSeconds'
>;

function limiters(
  limits: Limits,
  pool: Pool | undefined,
): Promise<[RateLimiterAbstract, RateLimiterAbstract]> {
  const options = (keyPrefix: string, points: number) => ({
    keyPrefix,
    points,
    duration: limits.loginThrottleWindowSeconds,
    blockDuration: limits.loginThrottleWindowSeconds,
  });
  const byUsername = options('login_username', limits.loginMaxFailuresPerUsername);
  const byIp = options('login_ip', limits.loginMaxFailuresPerIp);
  if (!pool) return Promise.resolve([new RateLimiterMemory(byUsername), new RateLimiterMemory(byIp)]);
  const shared = (opts: typeof byUsername) =>
    new Promise<RateLimiterAbstract>((resolve, reject) => {
      const limiter: RateLimiterPostgres = new RateLimiterPostgres(
        { ...opts, storeClient: pool, tableName: 'login_throttle', clearExpiredByTimeout: true },
        (error?: unknown) =>
          error
            ? reject(error instanceof Error ? error : new Error('the login throttle store failed'))
            : resolve(limiter),
      );
    });
  return Promise.all([shared(byUsername), shared(byIp)]);
}

/** @returns the throttle; with a pool, its table is created if missing before this resolves */
export async function createLoginThrottle(limits: Limits, pool?: Pool): Promise<LoginThrottle> {
  const [byUsername, byIp] = await limiters(limits, pool);

  const retryAfter = (result: RateLimiterRes | null, points: number) =>
    result && result.consumedPoints >= points ? Math.max(1, Math.ceil(result.msBeforeNext / 1000)) : 0;

  // consume() rejects with a RateLimiterRes when the count is exceeded: for a failure that is expected.
  const count = async (limiter: RateLimiterAbstract, key: string) => {
    try {
      await limiter.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
    }
  };

  return {
    async check(usernameKey, ip) {
      const [user, client] = await Promise.all([byUsername.get(usernameKey), byIp.get(ip)]);
      const wait = Math.max(
        retryAfter(user, limits.loginMaxFailuresPerUsername),
        retryAfter(client, limits.loginMaxFailuresPerIp),
      );
      if (wait > 0) throw new RateLimitError(wait);
    },
    async recordFailure(usernameKey, ip) {
      await Promise.all([count(byUsername, usernameKey), count(byIp, ip)]);
    },
    async recordSuccess(usernameKey) {
      await byUsername.delete(usernameKey);
    },
  };
}

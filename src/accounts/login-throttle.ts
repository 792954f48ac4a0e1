import { type Pool } from 'pg';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { type Config } from '../config';
import { RateLimitError } from '../errors';

type Limits = Pick<
  Config['accounts'],
  | 'loginMaxFailuresPerUsernameAndIp'
  | 'loginMaxFailuresPerIp'
  | 'loginSlowdownAfterFailures'
  | 'loginMaxAttemptsPerIp'
  | 'loginThrottleWindowSeconds'
>;

/** The slow-down for a username under attack doubles from this with each failure past the threshold… */
const FIRST_DELAY_MS = 250;
/** …up to this: slower, never refused, so an attacker cannot lock the real user out. */
const MAX_DELAY_MS = 4000;
/** The per-username counter only measures; it never refuses. */
const UNBOUNDED = 1_000_000_000;

/**
 * Login throttling after OWASP's authentication cheat sheet, with rate-limiter-flexible (in memory for one
 * instance, in PostgreSQL when instances share it). Every attempt is taken from its budgets before the
 * password is checked, so attempts in flight at once cannot all pass one check (a success gives back):
 *  - per address, whatever the outcome: successful logins cost scrypt work and sessions too;
 *  - failures per (username, address) pair and per address: 429 with Retry-After when exhausted;
 *  - failures per username from anywhere: only a growing delay, never a refusal, so failures from
 *    elsewhere cannot lock the real user out from an address with none of its own.
 */
export interface LoginThrottle {
  /**
   * Counts an attempt that is about to check a password.
   * @returns how long to wait before checking it (ms): the username's slow-down
   * @throws RateLimitError when a budget of the address or of the pair is used up
   */
  begin(usernameKey: string, ip: string): Promise<number>;
  /** The password was right: the pair's failures are forgotten, the others' attempt given back. */
  succeeded(usernameKey: string, ip: string): Promise<void>;
}

interface Limiters {
  readonly attempts: RateLimiterAbstract;
  readonly pair: RateLimiterAbstract;
  readonly address: RateLimiterAbstract;
  readonly username: RateLimiterAbstract;
}

async function createLimiters(limits: Limits, pool: Pool | undefined): Promise<Limiters> {
  const window = limits.loginThrottleWindowSeconds;
  const options = (keyPrefix: string, points: number, block: boolean) => ({
    keyPrefix,
    points,
    duration: window,
    ...(block && { blockDuration: window }),
  });
  const create = (opts: ReturnType<typeof options>): Promise<RateLimiterAbstract> => {
    if (!pool) return Promise.resolve(new RateLimiterMemory(opts));
    return new Promise((resolve, reject) => {
      const limiter: RateLimiterPostgres = new RateLimiterPostgres(
        { ...opts, storeClient: pool, tableName: 'login_throttle', clearExpiredByTimeout: true },
        (error?: unknown) =>
          error
            ? reject(error instanceof Error ? error : new Error('the login throttle store failed'))
            : resolve(limiter),
      );
    });
  };
  // One after the other: each creates the shared table if it is missing, and PostgreSQL's CREATE TABLE IF
  // NOT EXISTS fails ("type already exists") when two run at once on a new database.
  const attempts = await create(options('login_attempts_ip', limits.loginMaxAttemptsPerIp, false));
  const pair = await create(options('login_failures_pair', limits.loginMaxFailuresPerUsernameAndIp, true));
  const address = await create(options('login_failures_ip', limits.loginMaxFailuresPerIp, true));
  const username = await create(options('login_failures_username', UNBOUNDED, false));
  return { attempts, pair, address, username };
}

/** Takes one point; a refusal becomes RateLimitError, a store failure stays an error. */
async function take(limiter: RateLimiterAbstract, key: string): Promise<RateLimiterRes> {
  try {
    return await limiter.consume(key);
  } catch (refusal) {
    if (!(refusal instanceof RateLimiterRes)) throw refusal;
    throw new RateLimitError(Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)));
  }
}

/** A pair key no username can forge into another pair: the address cannot contain the separator. */
const pairKey = (usernameKey: string, ip: string) => `${ip} ${usernameKey}`;

/** @returns the throttle; with a pool, its table is created if missing before this resolves */
export async function createLoginThrottle(limits: Limits, pool?: Pool): Promise<LoginThrottle> {
  const { attempts, pair, address, username } = await createLimiters(limits, pool);
  return {
    async begin(usernameKey, ip) {
      await take(attempts, ip);
      await take(pair, pairKey(usernameKey, ip));
      try {
        await take(address, ip);
      } catch (error) {
        // Refused for the address: this attempt is not the pair's failure.
        if (error instanceof RateLimitError) await pair.reward(pairKey(usernameKey, ip), 1);
        throw error;
      }
      const failures = (await username.consume(usernameKey)).consumedPoints - 1;
      const over = failures - limits.loginSlowdownAfterFailures;
      return over < 0 ? 0 : Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** over);
    },
    async succeeded(usernameKey, ip) {
      await Promise.all([
        pair.delete(pairKey(usernameKey, ip)),
        address.reward(ip, 1),
        username.reward(usernameKey, 1),
      ]);
    },
  };
}

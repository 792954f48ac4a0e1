import { createSecretKey } from 'node:crypto';
import { createKeyRing, hmacKey } from '../src/auth/key-ring';
import { createTokenService } from '../src/auth/token-service';

/** What every benchmarked server shares: one HS256 secret, one token, one data set. */
export const SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';
/**
 * The secret as a KeyObject, for server (3′): given a string, jsonwebtoken 9 first tries it as a PEM public
 * key on every verification, and the failed parse costs about 0.6 ms on Node 20 (auth0/node-jsonwebtoken#1046,
 * #966). The documented servers (3) and (4) pass the string; (3′) shows the same server without that pitfall.
 */
export const SECRET_KEY = createSecretKey(Buffer.from(SECRET));
export const KEY_ID = 'bench';
export const ISSUER = 'graphql-jwt-api';
export const AUDIENCE = 'graphql-jwt-api';

/**
 * The users every server lists. The first is the caller: this API checks an admin's account in its
 * database before listing users, so the token's subject is an admin there.
 */
export const USERS = Array.from({ length: 100 }, (_, index) => {
  const n = String(index).padStart(3, '0');
  const scopes = index === 0 ? ['admin', 'read', 'write'] : ['read', 'write'];
  return { id: `00000000-0000-4000-8000-000000000${n}`, username: `user${n}`, scopes };
});
/** Who the benchmark token names: the first user, with the admin scope only. */
export const CALLER = { subject: USERS[0]!.id, username: USERS[0]!.username, scopes: ['admin'] };

/**
 * The account logins and refreshes use: a real scrypt hash, at production cost. Its name sorts after every
 * user of USERS, so `list`'s first page stays the same as the other servers'.
 */
export const ACCOUNT = { username: 'zzz-login', password: 'bench login passphrase' } as const;

export const QUERIES = {
  me: '{ me { id username scopes greeting } }',
  list: '{ users(first: 100) { nodes { id username scopes } } }',
} as const;
export type QueryName = keyof typeof QUERIES;

export const EXPECTED: Record<QueryName, string> = {
  me: JSON.stringify({
    data: {
      me: {
        id: CALLER.subject,
        username: CALLER.username,
        scopes: CALLER.scopes,
        greeting: `Hey ${CALLER.username}`,
      },
    },
  }),
  list: JSON.stringify({ data: { users: { nodes: USERS } } }),
};

/** An HS256 token every server accepts (valid for two hours), signed by this API's own token module. */
export function benchToken(): string {
  return benchTokens(1)[0]!;
}

/**
 * `count` distinct tokens of the same caller (each has its own `jti`), so every server answers
 * `me` alike whichever one a request carries: the workload of many users active at once.
 */
export function benchTokens(count: number): string[] {
  const tokens = createTokenService({
    keyRing: createKeyRing([hmacKey(KEY_ID, SECRET)]),
    issuer: ISSUER,
    audience: AUDIENCE,
    accessTokenTtlSeconds: 7200,
    maxTokenTtlSeconds: 7200,
    clockToleranceSeconds: 5,
    trustedTokenMaxTtlSeconds: 86_400,
  });
  return Array.from({ length: count }, () => tokens.issue(CALLER).token);
}

/**
 * Servers print one line, `{"url": …}`, once they listen, then answer the harness's memory probe: collect
 * garbage and report `process.memoryUsage()` (the memory run).
 */
export function announce(url: string): void {
  process.on('message', (message) => {
    if (message === 'cpu') process.send?.(process.cpuUsage());
    // A clean exit, so a server run with --cpu-prof in NODE_OPTIONS writes its profile.
    if (message === 'exit') process.exit(0);
    if (message !== 'memory') return;
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.(process.memoryUsage());
  });
  process.stdout.write(`${JSON.stringify({ url })}\n`);
}

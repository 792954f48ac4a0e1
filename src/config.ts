import ms from 'ms';
import { z } from 'zod';

export type RuntimeEnv = 'development' | 'production' | 'test';

/** One HS256 secret and the id (`kid`) tokens signed with it carry. */
export interface SigningKeyConfig {
  readonly id: string;
  readonly secret: string;
}

export const SIGNING_ALGORITHMS = ['HS256', 'RS256', 'ES256'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export interface PrivateKeyFileConfig {
  readonly id: string | undefined;
  readonly path: string;
}

/** An external identity provider whose tokens are accepted, and where its claims live. */
export interface TrustedIssuerConfig {
  readonly issuer: string;
  readonly audience: string;
  readonly algorithms: readonly ('RS256' | 'ES256')[];
  /** Where its public keys come from: a JWKS URL, or a PEM file. */
  readonly jwksUri: string | undefined;
  readonly publicKeyFile: string | undefined;
  /** Claim holding the username; default `username`, else `preferred_username`. */
  readonly usernameClaim: string | undefined;
  /** Claim holding the scopes, a space-delimited string or an array; default `scope`, else `scp`. */
  readonly scopesClaim: string | undefined;
}

const trustedIssuer = z
  .object({
    issuer: z.string().min(1),
    audience: z.string().min(1),
    algorithms: z.array(z.enum(['RS256', 'ES256'])).min(1),
    jwksUri: z.url({ protocol: /^https?$/ }).optional(),
    publicKeyFile: z.string().min(1).optional(),
    usernameClaim: z.string().min(1).optional(),
    scopesClaim: z.string().min(1).optional(),
  })
  .strict()
  .refine((value) => (value.jwksUri === undefined) !== (value.publicKeyFile === undefined), {
    message: 'each issuer needs exactly one of jwksUri and publicKeyFile',
  })
  .transform((value): TrustedIssuerConfig => ({
    issuer: value.issuer,
    audience: value.audience,
    algorithms: value.algorithms,
    jwksUri: value.jwksUri,
    publicKeyFile: value.publicKeyFile,
    usernameClaim: value.usernameClaim,
    scopesClaim: value.scopesClaim,
  }));

export interface Config {
  readonly env: RuntimeEnv;
  readonly server: {
    readonly host: string;
    readonly port: number;
    readonly logLevel: LogLevel;
    /** How long shutdown waits for in-flight requests before giving up. */
    readonly shutdownTimeoutMs: number;
    /** fastify's trustProxy: false, true, or the proxy addresses/CIDRs whose X-Forwarded-For is believed. */
    readonly trustProxy: boolean | readonly string[];
  };
  readonly jwt: {
    readonly issuer: string;
    readonly audience: string;
    readonly accessTokenTtlSeconds: number;
    /** Upper bound for any lifetime a caller asks for (issueToken's expiresIn, the CLI's --ttl). */
    readonly maxTokenTtlSeconds: number;
    readonly clockToleranceSeconds: number;
    /** How this API signs its own tokens. */
    readonly algorithm: SigningAlgorithm;
    /** HS256 secrets. null with HS256: none configured, so development uses the generated key. */
    readonly keys: readonly SigningKeyConfig[] | null;
    /** RS256/ES256 private keys (PEM files); a missing id becomes the key's RFC 7638 thumbprint. */
    readonly privateKeyFiles: readonly PrivateKeyFileConfig[] | null;
    /** The key that signs; null: the first one. */
    readonly activeKeyId: string | null;
    /** Other issuers whose tokens this API accepts. */
    readonly trustedIssuers: readonly TrustedIssuerConfig[];
    readonly jwks: {
      /** How long a JWKS fetch may take. */
      readonly timeoutMs: number;
      /** Bounds on how long fetched keys are kept, whatever the provider's cache headers say. */
      readonly minCacheSeconds: number;
      readonly maxCacheSeconds: number;
      /** An unknown kid triggers at most one refetch per this period. */
      readonly cooldownSeconds: number;
    };
  };
  readonly http: {
    /** Largest request body accepted, in bytes; larger ones get 413 before any parsing. */
    readonly bodyLimitBytes: number;
    /** A request (headers and body) must arrive within this; slow clients are cut off. */
    readonly requestTimeoutMs: number;
    /** The request headers must arrive within this. */
    readonly headersTimeoutMs: number;
    /** Origins allowed by CORS; `true` allows any (the development default), empty allows none. */
    readonly corsOrigins: true | readonly string[];
  };
  readonly graphql: {
    /** Introspection and the Sandbox landing page; off in production unless asked for. */
    readonly introspection: boolean;
    /** In development, prefill Sandbox's Authorization header with a freshly minted, scope-less token. */
    readonly sandboxToken: boolean;
    readonly maxDepth: number;
    readonly maxAliases: number;
    readonly maxDirectives: number;
    readonly maxTokens: number;
    readonly maxCost: number;
    /** Operations allowed in one batched HTTP request; 0 turns batching off. */
    readonly batchLimit: number;
    /** Automatic persisted queries: cache size (bytes, approximate) and how long an entry lives. */
    readonly apqCacheBytes: number;
    readonly apqTtlSeconds: number;
  };
  readonly database: {
    /** `sqlite:<path>` (or `sqlite::memory:`) or `postgres://…`. */
    readonly url: string;
    readonly engine: 'sqlite' | 'postgres';
    /** A query (or a connection attempt) taking longer fails with SERVICE_UNAVAILABLE. */
    readonly queryTimeoutMs: number;
  };
  readonly accounts: {
    readonly refreshTokenTtlSeconds: number;
    /** A session (a refresh-token family) ends this long after login, however often it is refreshed. */
    readonly sessionMaxAgeSeconds: number;
    /** A refresh token presented again within this window after its rotation is a concurrent refresh, not theft. */
    readonly refreshReuseGraceSeconds: number;
    /** scrypt cost: N = 2^log2N. */
    readonly passwordScryptLog2N: number;
    readonly loginMaxFailuresPerUsername: number;
    readonly loginMaxFailuresPerIp: number;
    readonly loginThrottleWindowSeconds: number;
  };
  /** Git-ignored folder for local state: the development signing key and the SQLite database. */
  readonly dataDir: string;
  /** Problems that do not stop startup outside production; the caller logs them. */
  readonly warnings: readonly string[];
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const PACKAGE_NAME = 'graphql-jwt-api';
/** RFC 7518 §3.2: an HS256 key must be at least as long as the hash output. */
export const MIN_SECRET_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const DATABASE_URL = /^(sqlite:.+|postgres(ql)?:\/\/.+)$/;

/** Thrown by {@link parseConfig}; `problems` lists every bad key, one line each. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses a duration: whole seconds ("900") or an `ms` expression ("15m", "1h", "30s"). Exported for the
 * token CLI's --ttl, so both read durations the same way.
 */
export function parseDurationSeconds(value: string): number | undefined {
  const text = value.trim();
  if (text === '' || text.length > 100) return undefined;
  const millis = /^\d+$/.test(text) ? Number(text) * 1000 : ms(text as ms.StringValue);
  if (typeof millis !== 'number' || !Number.isFinite(millis) || millis < 0) return undefined;
  return Math.floor(millis / 1000);
}

const duration = (max: number) =>
  z.string().transform((value, ctx) => {
    const seconds = parseDurationSeconds(value);
    if (seconds === undefined || seconds > max) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration such as "900", "15m" or "1h" (at most ${max}s)`,
      });
      return z.NEVER;
    }
    return seconds;
  });

const nonEmpty = z.string().trim().min(1, 'must not be empty');

/** `kid=secret,kid=secret`: split on the first "=" so base64 padding in a secret survives. */
function parseKeyList(value: string, problems: string[]): SigningKeyConfig[] {
  const keys: SigningKeyConfig[] = [];
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .forEach((entry, index) => {
      const separator = entry.indexOf('=');
      const id = separator > 0 ? entry.slice(0, separator).trim() : '';
      const secret = separator > 0 ? entry.slice(separator + 1).trim() : '';
      if (!KEY_ID.test(id) || !secret) {
        problems.push(
          `SIGNING_KEYS: entry ${index + 1} must be <key id>=<secret>, key id of [A-Za-z0-9._-]{1,64}`,
        );
      } else if (keys.some((key) => key.id === id)) {
        problems.push(`SIGNING_KEYS: key id "${id}" appears more than once`);
      } else {
        keys.push({ id, secret });
      }
    });
  if (keys.length === 0 && problems.length === 0) problems.push('SIGNING_KEYS: lists no key');
  return keys;
}

/**
 * Builds the configuration from environment variables (a plain object, so tests pass their own).
 * @returns a deeply frozen {@link Config}
 * @throws ConfigError listing every problem at once
 */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const problems: string[] = [];
  const warnings: string[] = [];

  // Each key is parsed on its own so that one bad key does not hide the others.
  function read<T>(key: string, schema: z.ZodType<T>, fallback: T): T {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    const result = schema.safeParse(raw);
    if (result.success) return result.data;
    for (const issue of result.error.issues) problems.push(`${key}: ${issue.message}`);
    return fallback;
  }

  const nodeEnv = read<RuntimeEnv>('NODE_ENV', z.enum(['development', 'production', 'test']), 'development');
  const production = nodeEnv === 'production';
  const host = read('HOST', nonEmpty, production ? '0.0.0.0' : 'localhost');
  const port = read('PORT', z.coerce.number().int().min(0).max(65535), 4000);
  const logLevel = read<LogLevel>('LOG_LEVEL', z.enum(LOG_LEVELS), 'info');
  const shutdownTimeoutSeconds = read('SHUTDOWN_TIMEOUT', duration(600), 10);
  const dataDir = read('DATA_DIR', nonEmpty, '.data');
  const trustProxy = read<boolean | string[]>(
    'TRUST_PROXY',
    z.string().transform((value) => {
      if (value === 'true' || value === 'false') return value === 'true';
      return value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean);
    }),
    false,
  );

  const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
  const flag = z.enum(['true', 'false']).transform((value) => value === 'true');
  const bodyLimit = read('HTTP_BODY_LIMIT', count(1024, 50 * 1024 * 1024), 100 * 1024);
  const requestTimeout = read('HTTP_REQUEST_TIMEOUT', duration(600), 30);
  const headersTimeout = read('HTTP_HEADERS_TIMEOUT', duration(600), 10);
  if (requestTimeout < 1) problems.push('HTTP_REQUEST_TIMEOUT: must be at least one second');
  if (headersTimeout < 1 || headersTimeout > requestTimeout) {
    problems.push('HTTP_HEADERS_TIMEOUT: must be at least one second and at most HTTP_REQUEST_TIMEOUT');
  }
  const corsOrigins = read<true | string[]>(
    'CORS_ORIGINS',
    z.string().transform((value) =>
      value.trim() === '*'
        ? true
        : value
            .split(',')
            .map((o) => o.trim())
            .filter(Boolean),
    ),
    production ? [] : true,
  );
  const introspection = read('INTROSPECTION', flag, !production);
  const sandboxToken = read('SANDBOX_TOKEN', flag, !production) && !production;
  const maxDepth = read('GRAPHQL_MAX_DEPTH', count(1, 100), 10);
  const maxAliases = read('GRAPHQL_MAX_ALIASES', count(0, 1000), 15);
  const maxDirectives = read('GRAPHQL_MAX_DIRECTIVES', count(0, 1000), 10);
  const maxTokens = read('GRAPHQL_MAX_TOKENS', count(50, 100_000), 2000);
  const maxCost = read('GRAPHQL_MAX_COST', count(1, 1_000_000), 5000);
  const batchLimit = read('GRAPHQL_BATCH_LIMIT', count(0, 100), 0);
  const apqCacheBytes = read('APQ_CACHE_BYTES', count(0, 1024 * 1024 * 1024), 10 * 1024 * 1024);
  const apqTtl = read('APQ_TTL', duration(30 * 86_400), 86_400);

  const databaseUrl = read(
    'DATABASE_URL',
    z.string().regex(DATABASE_URL, 'expected sqlite:<path> or postgres://…'),
    `sqlite:${dataDir}/api.sqlite`,
  );
  const queryTimeoutSeconds = read('DB_QUERY_TIMEOUT', duration(300), 5);
  const refreshTtl = read('REFRESH_TOKEN_TTL', duration(365 * 86_400), 14 * 86_400);
  const sessionMaxAge = read('SESSION_MAX_AGE', duration(365 * 86_400), 30 * 86_400);
  const reuseGrace = read('REFRESH_REUSE_GRACE', duration(60), 2);
  const scryptLog2N = read('PASSWORD_SCRYPT_LOG2N', z.coerce.number().int().min(10).max(20), 15);
  const maxFailuresPerUsername = read('LOGIN_MAX_FAILURES_PER_USERNAME', z.coerce.number().int().min(1), 10);
  const maxFailuresPerIp = read('LOGIN_MAX_FAILURES_PER_IP', z.coerce.number().int().min(1), 50);
  const throttleWindow = read('LOGIN_THROTTLE_WINDOW', duration(86_400), 15 * 60);
  if (refreshTtl < 60) problems.push('REFRESH_TOKEN_TTL: must be at least a minute');
  if (sessionMaxAge < refreshTtl) problems.push('SESSION_MAX_AGE: must be at least REFRESH_TOKEN_TTL');
  if (queryTimeoutSeconds < 1) problems.push('DB_QUERY_TIMEOUT: must be at least one second');
  if (production && scryptLog2N < 14) problems.push('PASSWORD_SCRYPT_LOG2N: at least 14 in production');
  if (throttleWindow < 1) problems.push('LOGIN_THROTTLE_WINDOW: must be at least one second');

  const issuer = read('JWT_ISSUER', nonEmpty, PACKAGE_NAME);
  const audience = read('JWT_AUDIENCE', nonEmpty, PACKAGE_NAME);
  const ttl = read('JWT_TTL', duration(86_400), 15 * 60);
  const maxTtl = read('JWT_MAX_TTL', duration(30 * 86_400), 60 * 60);
  const tolerance = read('JWT_CLOCK_TOLERANCE', duration(300), 5);
  if (ttl < 1) problems.push('JWT_TTL: must be at least one second');
  if (ttl > maxTtl) problems.push(`JWT_TTL: ${ttl}s is longer than JWT_MAX_TTL (${maxTtl}s)`);

  const algorithm = read<SigningAlgorithm>('SIGNING_ALGORITHM', z.enum(SIGNING_ALGORITHMS), 'HS256');
  const single = env.SIGNING_KEY;
  const list = env.SIGNING_KEYS;
  const requestedActiveId = env.SIGNING_KEY_ID?.trim() || undefined;
  let keys: SigningKeyConfig[] | null = null;
  let privateKeyFiles: PrivateKeyFileConfig[] | null = null;
  let activeKeyId: string | null = null;
  if (algorithm !== 'HS256') {
    const file = env.SIGNING_PRIVATE_KEY_FILE?.trim();
    const files = env.SIGNING_PRIVATE_KEYS?.trim();
    if (single || list)
      problems.push(`SIGNING_KEY and SIGNING_KEYS: HS256 secrets, not used with ${algorithm}`);
    if (file && files) {
      problems.push('SIGNING_PRIVATE_KEY_FILE and SIGNING_PRIVATE_KEYS: set one or the other, not both');
    } else if (file) {
      privateKeyFiles = [{ id: requestedActiveId, path: file }];
    } else if (files) {
      privateKeyFiles = files
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean)
        .map((entry) => {
          const separator = entry.indexOf('=');
          const id = separator > 0 ? entry.slice(0, separator).trim() : undefined;
          if (id !== undefined && !KEY_ID.test(id))
            problems.push(`SIGNING_PRIVATE_KEYS: key id "${id}" is invalid`);
          return { id, path: separator > 0 ? entry.slice(separator + 1).trim() : entry };
        });
    } else {
      problems.push(
        `SIGNING_PRIVATE_KEY_FILE: required with SIGNING_ALGORITHM=${algorithm} (npm run keys:generate)`,
      );
    }
    activeKeyId = requestedActiveId ?? null;
  } else if (single && list) {
    problems.push('SIGNING_KEY and SIGNING_KEYS: set one or the other, not both');
  } else if (single) {
    const id = requestedActiveId ?? 'default';
    if (!KEY_ID.test(id)) problems.push('SIGNING_KEY_ID: must match [A-Za-z0-9._-]{1,64}');
    keys = [{ id, secret: single }];
    activeKeyId = id;
  } else if (list) {
    keys = parseKeyList(list, problems);
    activeKeyId = requestedActiveId ?? keys[0]?.id ?? null;
    if (requestedActiveId && !keys.some((key) => key.id === requestedActiveId)) {
      problems.push(`SIGNING_KEY_ID: "${requestedActiveId}" is not one of the SIGNING_KEYS ids`);
    }
  } else if (production) {
    problems.push('SIGNING_KEY: required in production (at least 32 bytes, e.g. `openssl rand -base64 48`)');
  } else if (requestedActiveId) {
    problems.push('SIGNING_KEY_ID: set without SIGNING_KEY or SIGNING_KEYS');
  }
  for (const key of keys ?? []) {
    if (Buffer.byteLength(key.secret, 'utf8') >= MIN_SECRET_BYTES) continue;
    const message = `${single ? 'SIGNING_KEY' : `SIGNING_KEYS (${key.id})`}: shorter than ${MIN_SECRET_BYTES} bytes`;
    if (production) problems.push(message);
    else warnings.push(`${message}; production would refuse to start`);
  }

  const trustedIssuers = read<TrustedIssuerConfig[]>(
    'TRUSTED_ISSUERS',
    z
      .string()
      .transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be a JSON array of issuers' });
          return z.NEVER;
        }
      })
      .pipe(z.array(trustedIssuer)),
    [],
  );
  for (const trusted of trustedIssuers) {
    // Tokens from elsewhere must never pass for this API's own.
    if (trusted.issuer === issuer)
      problems.push(`TRUSTED_ISSUERS: "${trusted.issuer}" is this API's own JWT_ISSUER`);
  }
  if (new Set(trustedIssuers.map((trusted) => trusted.issuer)).size !== trustedIssuers.length) {
    problems.push('TRUSTED_ISSUERS: an issuer is listed twice');
  }
  const jwksTimeout = read('JWKS_TIMEOUT', duration(60), 3);
  const jwksMinCache = read('JWKS_CACHE_MIN', duration(86_400), 60);
  const jwksMaxCache = read('JWKS_CACHE_MAX', duration(7 * 86_400), 86_400);
  const jwksCooldown = read('JWKS_COOLDOWN', duration(3600), 30);
  if (jwksTimeout < 1) problems.push('JWKS_TIMEOUT: must be at least one second');
  if (jwksMinCache > jwksMaxCache) problems.push('JWKS_CACHE_MIN: must not exceed JWKS_CACHE_MAX');

  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze({
    env: nodeEnv,
    server: { host, port, logLevel, shutdownTimeoutMs: shutdownTimeoutSeconds * 1000, trustProxy },
    jwt: {
      issuer,
      audience,
      accessTokenTtlSeconds: ttl,
      maxTokenTtlSeconds: maxTtl,
      clockToleranceSeconds: tolerance,
      algorithm,
      keys,
      privateKeyFiles,
      activeKeyId,
      trustedIssuers,
      jwks: {
        timeoutMs: jwksTimeout * 1000,
        minCacheSeconds: jwksMinCache,
        maxCacheSeconds: jwksMaxCache,
        cooldownSeconds: jwksCooldown,
      },
    },
    http: {
      bodyLimitBytes: bodyLimit,
      requestTimeoutMs: requestTimeout * 1000,
      headersTimeoutMs: headersTimeout * 1000,
      corsOrigins,
    },
    graphql: {
      introspection,
      sandboxToken,
      maxDepth,
      maxAliases,
      maxDirectives,
      maxTokens,
      maxCost,
      batchLimit,
      apqCacheBytes,
      apqTtlSeconds: apqTtl,
    },
    database: {
      url: databaseUrl,
      engine: databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'postgres',
      queryTimeoutMs: queryTimeoutSeconds * 1000,
    },
    accounts: {
      refreshTokenTtlSeconds: refreshTtl,
      sessionMaxAgeSeconds: sessionMaxAge,
      refreshReuseGraceSeconds: reuseGrace,
      passwordScryptLog2N: scryptLog2N,
      loginMaxFailuresPerUsername: maxFailuresPerUsername,
      loginMaxFailuresPerIp: maxFailuresPerIp,
      loginThrottleWindowSeconds: throttleWindow,
    },
    dataDir,
    warnings,
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

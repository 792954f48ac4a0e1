import { type Logger } from 'pino';
import { type AccountService, createAccountService } from './accounts/account-service';
import { createLoginThrottle } from './accounts/login-throttle';
import { createPasswordHasher } from './accounts/password-hasher';
import { createUserAdminService, type UserAdminService } from './accounts/user-admin-service';
import { remoteKeySet, staticKeySource } from './auth/remote-key-set';
import { loadKeyRing, loadPublicKey } from './auth/signing-keys';
import { createTokenService, type TokenService } from './auth/token-service';
import { type Config, parseConfig } from './config';
import { type Database, openDatabase } from './db/database';
import { migrateToLatest } from './db/migrations';
import { createLogger } from './logger';

export interface Runtime {
  readonly config: Config;
  readonly tokens: TokenService;
  /** Warnings for the operator: weak keys, the generated development key. */
  readonly warnings: readonly string[];
}

/**
 * What the server and the token CLI share: the configuration and the token service, built from the same
 * environment so that a token one mints the other accepts.
 * @throws ConfigError for invalid configuration; Error when the development key file is unusable
 */
export function loadRuntime(
  env: Readonly<Record<string, string | undefined>>,
  options: { clock?: () => number; logger?: Logger } = {},
): Runtime {
  const config = parseConfig(env);
  const { keyRing, usesDevKey } = loadKeyRing(config);
  const logger = options.logger ?? createLogger('silent');
  const tokens = createTokenService({
    trustedIssuers: config.jwt.trustedIssuers.map((trusted) => ({
      ...trusted,
      keys: trusted.jwksUri
        ? remoteKeySet({
            uri: trusted.jwksUri,
            algorithms: trusted.algorithms,
            ...config.jwt.jwks,
            log: logger,
            ...(options.clock && { clock: options.clock }),
          })
        : staticKeySource(loadPublicKey(trusted.publicKeyFile!, trusted.algorithms)),
    })),
    keyRing,
    issuer: config.jwt.issuer,
    audience: config.jwt.audience,
    accessTokenTtlSeconds: config.jwt.accessTokenTtlSeconds,
    maxTokenTtlSeconds: config.jwt.maxTokenTtlSeconds,
    clockToleranceSeconds: config.jwt.clockToleranceSeconds,
    ...(options.clock && { clock: options.clock }),
  });
  const warnings = [...config.warnings];
  if (usesDevKey) {
    warnings.push(
      `SIGNING_KEY is not set: signing with the generated development key in ${config.dataDir}/ (never in production)`,
    );
  }
  return { config, tokens, warnings };
}

export interface Services {
  readonly database: Database;
  readonly accounts: AccountService;
  readonly users: UserAdminService;
}

/**
 * Opens the database, applies pending migrations and builds the account services.
 * @throws Error when the database cannot be reached or migrated; the database is closed again
 */
export async function startServices(
  { config, tokens }: Pick<Runtime, 'config' | 'tokens'>,
  logger: Logger,
  options: { clock?: () => number } = {},
): Promise<Services> {
  const database = openDatabase(config.database, (error) =>
    logger.warn({ err: { message: error.message } }, 'database connection lost'),
  );
  try {
    const applied = await migrateToLatest(database.db, database.engine);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    const hasher = createPasswordHasher(config.accounts.passwordScryptLog2N);
    const throttle = await createLoginThrottle(config.accounts, database.pool);
    const clock = options.clock && { clock: options.clock };
    const accounts = await createAccountService({
      db: database.db,
      tokens,
      hasher,
      throttle,
      settings: config.accounts,
      log: logger,
      ...clock,
    });
    return { database, accounts, users: createUserAdminService({ db: database.db, hasher, ...clock }) };
  } catch (error) {
    await database.close();
    throw error;
  }
}

import { z } from 'zod';
import { type AuthorizationConfig, readAuthorization } from './config/authorization';
import { readAccounts, readDatabase, type AccountsConfig, type DatabaseConfig } from './config/accounts';
import { type Env, EnvReader, nonEmpty } from './config/env-reader';
import { type GraphOSConfig, readGraphOS } from './config/graphos';
import { type GraphqlConfig, readGraphql } from './config/graphql';
import { type JwtConfig, readJwt } from './config/jwt';
import { type ObservabilityConfig, readObservability } from './config/observability';
import { type HttpConfig, readHttp, readServer, type ServerConfig } from './config/server';
import { readSubscriptions, type SubscriptionsConfig } from './config/subscriptions';
import { readTrustedDocuments, type TrustedDocumentsConfig } from './config/trusted-documents';

export { parseDurationSeconds } from './config/env-reader';
export { PACKAGE_NAME } from './config/jwt';
export { type LogLevel } from './config/server';
export { MIN_SECRET_BYTES, type SigningAlgorithm, type SigningKeyConfig } from './config/signing-keys';
export { type TrustedIssuerConfig } from './config/trusted-issuers';

export type RuntimeEnv = 'development' | 'production' | 'test';

/** The whole configuration; each part is read by its own module in config/, and consumers take slices. */
export interface Config {
  readonly env: RuntimeEnv;
  readonly server: ServerConfig;
  readonly jwt: JwtConfig;
  readonly http: HttpConfig;
  readonly graphql: GraphqlConfig;
  readonly subscriptions: SubscriptionsConfig;
  readonly trustedDocuments: TrustedDocumentsConfig;
  readonly database: DatabaseConfig;
  readonly accounts: AccountsConfig;
  readonly observability: ObservabilityConfig;
  readonly graphos: GraphOSConfig;
  readonly authorization: AuthorizationConfig;
  /** Git-ignored folder for local state: the development signing key and the SQLite database. */
  readonly dataDir: string;
  /** Problems that do not stop startup outside production; the caller logs them. */
  readonly warnings: readonly string[];
}

/** Thrown by {@link parseConfig}; `problems` lists every bad key, one line each. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Builds the configuration from environment variables (a plain object, so tests pass their own).
 * @returns a deeply frozen {@link Config}
 * @throws ConfigError listing every problem at once
 */
export function parseConfig(variables: Env): Config {
  const env = new EnvReader(variables);
  const runtime = env.read<RuntimeEnv>(
    'NODE_ENV',
    z.enum(['development', 'production', 'test']),
    'development',
  );
  const production = runtime === 'production';
  const server = readServer(env, production);
  const dataDir = env.read('DATA_DIR', nonEmpty, '.data');
  const config: Config = {
    env: runtime,
    server,
    http: readHttp(env, production),
    graphql: readGraphql(env, production),
    subscriptions: readSubscriptions(env),
    trustedDocuments: readTrustedDocuments(env, production),
    database: readDatabase(env, dataDir),
    accounts: readAccounts(env, production),
    jwt: readJwt(env, production),
    observability: readObservability(env, server.host),
    graphos: readGraphOS(env),
    authorization: readAuthorization(env),
    dataDir,
    warnings: env.warnings,
  };
  if (env.problems.length > 0) throw new ConfigError(env.problems);
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

import { type Logger } from 'pino';
import { type AccountService, createAccountService } from './accounts/account-service';
import { createLoginThrottle } from './accounts/login-throttle';
import { createPasswordHasher } from './accounts/password-hasher';
import { SessionDirectory } from './accounts/session-directory';
import { TokenMinting } from './accounts/token-minting';
import { createUserAdminService, type UserAdminService } from './accounts/user-admin-service';
import { AuditLog } from './audit/audit-log';
import { AuditTrail } from './audit/audit-trail';
import { remoteKeySet, staticKeySource } from './auth/remote-key-set';
import { loadKeyRing, loadPublicKey } from './auth/signing-keys';
import { createTokenService, type TokenService } from './auth/token-service';
import { type TrustedIssuer } from './auth/token-verifier';
import { type Config, parseConfig } from './config';
import { type Database, openDatabase } from './db/database';
import { migrateToLatest } from './db/migrations';
import { createLogger } from './logger';
import { type Metrics, NO_METRICS } from './observability/metrics';
import { type PrometheusMetrics } from './observability/prometheus-metrics';
import { type Tracing } from './observability/tracing-hooks';
import { RevocationFeed } from './revocation/revocation-feed';
import { AuditRelay } from './audit/audit-relay';
import { NotificationListener } from './db/notification-listener';
import { type LogEvent } from 'kysely';
import { type ApiDefinition, defineApi } from './modules/api-definition';
import { type ModuleServices } from './modules/api-module';
import { DatabaseAccessFacts, type OwnerLookup } from './permissions/access-facts';

/*
 * The one place that builds the application's parts from configuration and hands each its slice of it:
 * the server (src/index.ts), the CLIs, the tests and the benchmark all come through here.
 */

export interface Runtime {
  readonly config: Config;
  readonly tokens: TokenService;
  /** Warnings for the operator: weak keys, the generated development key. */
  readonly warnings: readonly string[];
}

export interface RuntimeOptions {
  /** Milliseconds since the epoch; injected so tests control time. */
  readonly clock?: () => number;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
}

/** The trusted issuers of `config`, each with its key source: a remote JWKS or a PEM file read now. */
function trustedIssuers(
  config: Config,
  logger: Logger,
  metrics: Metrics,
  clock?: () => number,
): TrustedIssuer[] {
  return config.jwt.trustedIssuers.map(({ jwksUri, discoveryUrl, publicKeyFile, ...trusted }) => ({
    ...trusted,
    keys: publicKeyFile
      ? staticKeySource(loadPublicKey(publicKeyFile, trusted.algorithms))
      : remoteKeySet({
          ...config.jwt.jwks,
          location: jwksUri ? { jwksUri } : { discoveryUrl: discoveryUrl!, issuer: trusted.issuer },
          algorithms: trusted.algorithms,
          log: logger,
          clock,
          onFetch: (outcome) => metrics.jwksFetch(trusted.issuer, outcome),
        }),
  }));
}

/**
 * What the server and the token CLI share: the token service, built from the same configuration so that a
 * token one mints the other accepts.
 * @throws Error when a key file or the development key file is unusable
 */
export function buildRuntime(
  config: Config,
  { clock, logger = createLogger('silent'), metrics = NO_METRICS }: RuntimeOptions = {},
): Runtime {
  const { keyRing, usesDevKey } = loadKeyRing(config);
  const tokens = createTokenService({
    ...config.jwt,
    keyRing,
    trustedIssuers: trustedIssuers(config, logger, metrics, clock),
    clock,
    onCacheLookup: (hit) => metrics.tokenCacheLookup(hit),
    scopeClosure: config.authorization.scopeClosure,
  });
  const warnings = [...config.warnings];
  if (usesDevKey) {
    warnings.push(
      `SIGNING_KEY is not set: signing with the generated development key in ${config.dataDir}/ (never in production)`,
    );
  }
  return { config, tokens, warnings };
}

/**
 * The process's metrics when configuration says where they may be read; otherwise none are kept, and
 * prom-client is not even loaded.
 */
export async function metricsFor(config: Config): Promise<PrometheusMetrics | undefined> {
  const { enabled, operationNames, clients } = config.observability.metrics;
  if (!enabled) return undefined;
  const { PrometheusMetrics } = await import('./observability/prometheus-metrics');
  return new PrometheusMetrics({ operationNames, clients });
}

/**
 * {@link buildRuntime} from environment variables.
 * @throws ConfigError for invalid configuration; Error as buildRuntime
 */
export function loadRuntime(
  env: Readonly<Record<string, string | undefined>>,
  options?: RuntimeOptions,
): Runtime {
  return buildRuntime(parseConfig(env), options);
}

export interface Services {
  readonly database: Database;
  readonly accounts: AccountService;
  readonly users: UserAdminService;
  /** Where accounts are signed in, and ending those sessions. */
  readonly sessions: SessionDirectory;
  readonly minting: TokenMinting;
  /** This instance's one PostgreSQL LISTEN connection (or none on SQLite), and how it hears the others. */
  readonly notifications: NotificationListener;
  /** Keeps the token service's revocation registry in step with the other instances. */
  readonly revocationFeed: RevocationFeed;
  readonly audit: AuditTrail;
  readonly auditLog: AuditLog;
  /** The API's modules and the permission map they make up. */
  readonly api: ApiDefinition;
  /** What permission decisions read: live accounts, and the owners the modules' lookups name. */
  readonly access: DatabaseAccessFacts;
  /** The modules' resolver instances, built with their services. */
  readonly moduleResolvers: readonly object[];
  /** Stops listening to the other instances, then closes the database. */
  close(): Promise<void>;
}

/**
 * Each module's parts, and the owner lookups they register besides the API's own (`core`).
 * @throws Error when a policy names a resource no module looks up, or two modules look up one
 */
function buildModules(api: ApiDefinition, services: ModuleServices, core: Record<string, OwnerLookup>) {
  const owners = new Map<string, OwnerLookup>(Object.entries(core));
  const resolvers: object[] = [];
  for (const module of api.modules) {
    const parts = module.create(services);
    resolvers.push(...parts.resolvers);
    for (const [resource, lookup] of Object.entries(parts.owners ?? {})) {
      if (owners.has(resource))
        throw new Error(`module ${module.name}: ${resource} already has an owner lookup`);
      owners.set(resource, lookup);
    }
  }
  for (const [type, fields] of Object.entries(api.permissions.fields)) {
    for (const [field, policy] of Object.entries(fields)) {
      const owner = policy.kind === 'guarded' ? policy.owner : undefined;
      if (owner?.kind === 'resource' && !owners.has(owner.resource)) {
        throw new Error(`${type}.${field}: no module registers an owner lookup for ${owner.resource}`);
      }
    }
  }
  return { owners, resolvers };
}

/** Logins and refresh-token reuse, counted from the audit trail that records them. */
function countAuditEvents(audit: AuditTrail, metrics: Metrics): void {
  audit.observe((type) => {
    if (type === 'login.succeeded') metrics.login('succeeded');
    else if (type === 'login.failed') metrics.login('failed');
    else if (type === 'login.throttled') metrics.login('throttled');
    else if (type === 'refresh_token.reused') metrics.refreshTokenReuse();
  });
}

function withQuerySpans(
  onQuery: ((event: LogEvent) => void) | undefined,
  tracing: Tracing | undefined,
  engine: 'sqlite' | 'postgres',
): ((event: LogEvent) => void) | undefined {
  if (!tracing) return onQuery;
  return (event) => {
    onQuery?.(event);
    tracing.onQuery(event, engine);
  };
}

export interface ServicesOptions {
  readonly clock?: () => number;
  readonly onQuery?: (event: LogEvent) => void;
  /** Told of logins, refresh-token reuse and database errors; reads the pool's use at each scrape. */
  readonly metrics?: Metrics;
  /** Draws a span for every query. */
  readonly tracing?: Tracing;
  /** The benchmark passes one that records nothing, to measure what the trail costs. */
  readonly audit?: AuditTrail;
  /** The API with its modules; the registered ones (src/modules/registered-modules.ts) by default. */
  readonly api?: ApiDefinition;
}

/** The database, observed: its pool's use and lost connections counted, each query told and traced. */
function openObservedDatabase(
  config: Config,
  logger: Logger,
  { metrics = NO_METRICS, tracing, onQuery }: ServicesOptions,
): Database {
  const database = openDatabase(config.database, {
    onIdleError: (error) => {
      metrics.databaseError();
      logger.warn({ err: { message: error.message } }, 'database connection lost');
    },
    onQuery: withQuerySpans(onQuery, tracing, config.database.engine),
  });
  if (database.pool) metrics.watchPool(database.pool);
  return database;
}

/**
 * The one notification listener of this instance and its topics: revocations always, committed audit
 * events where instances share the database (on SQLite the trail delivers its own).
 */
function notificationsFor(
  database: Database,
  { config, tokens }: Pick<Runtime, 'config' | 'tokens'>,
  audit: AuditTrail,
  logger: Logger,
  clock: (() => number) | undefined,
) {
  const notifications = new NotificationListener({
    db: database.db,
    listenUrl: database.engine === 'postgres' ? config.database.url : undefined,
    pollIntervalMs: config.accounts.revocationPollIntervalSeconds * 1000,
    connectTimeoutMs: config.database.queryTimeoutMs,
    log: logger,
  });
  const revocationFeed = new RevocationFeed({
    db: database.db,
    registry: tokens.revocations,
    retentionMs: tokens.revocations.retentionMs,
    announcer: notifications,
    clock,
  });
  notifications.subscribe(revocationFeed);
  if (notifications.shared) {
    const relay = new AuditRelay({ db: database.db, audit, announcer: notifications, clock });
    audit.announceWith(relay.announce);
    notifications.subscribe(relay);
  }
  return { notifications, revocationFeed };
}

/** The account services over a migrated database, and the modules' parts with the owners they look up. */
async function accountServices(
  { config, tokens }: Pick<Runtime, 'config' | 'tokens'>,
  { database, revocationFeed, audit, api }: Pick<Services, 'database' | 'revocationFeed' | 'audit' | 'api'>,
  logger: Logger,
  clock: (() => number) | undefined,
) {
  const db = database.db;
  const hasher = createPasswordHasher(config.accounts.passwordScryptLog2N);
  const throttle = await createLoginThrottle(config.accounts, database.pool);
  // The account services call the feed `revocations`: what they record there, every instance refuses.
  const revocations = revocationFeed;
  const settings = config.accounts;
  const accounts = await createAccountService({
    db,
    tokens,
    hasher,
    throttle,
    settings,
    log: logger,
    revocations,
    audit,
    clock,
  });
  const users = createUserAdminService({ db, hasher, revocations, audit, clock });
  const { scopeClosure } = config.authorization;
  const sessions = new SessionDirectory({ db, revocations, audit, clock });
  const modules = buildModules(
    api,
    { db, logger, clock: clock ?? Date.now },
    { Session: (id) => sessions.ownerOf(id) },
  );
  return {
    accounts,
    users,
    sessions,
    minting: new TokenMinting(db, tokens, audit, scopeClosure),
    auditLog: new AuditLog(db, audit),
    access: new DatabaseAccessFacts((id) => users.current(id), modules.owners, scopeClosure),
    moduleResolvers: modules.resolvers,
  };
}

/**
 * Opens the database, applies pending migrations, starts listening to the other instances and builds the
 * account services.
 * @throws Error when the database cannot be reached or migrated; the database is closed again
 */
export async function startServices(
  runtime: Pick<Runtime, 'config' | 'tokens'>,
  logger: Logger,
  options: ServicesOptions = {},
): Promise<Services> {
  const { clock, audit = new AuditTrail(clock), metrics = NO_METRICS, api = defineApi() } = options;
  const database = openObservedDatabase(runtime.config, logger, options);
  countAuditEvents(audit, metrics);
  let notifications: NotificationListener | undefined;
  try {
    const applied = await migrateToLatest(database.db, database.engine, api.modules);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    const topics = notificationsFor(database, runtime, audit, logger, clock);
    notifications = topics.notifications;
    await notifications.start();
    const { revocationFeed } = topics;
    const parts = await accountServices(runtime, { database, revocationFeed, audit, api }, logger, clock);
    const listener = notifications;
    const close = async () => {
      await listener.close();
      await database.close();
    };
    return { database, notifications, revocationFeed, audit, api, ...parts, close };
  } catch (error) {
    await notifications?.close();
    await database.close();
    throw error;
  }
}

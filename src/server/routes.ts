import { type FastifyInstance } from 'fastify';
import { type Logger } from 'pino';
import { type TokenService } from '../auth/token-service';
import { type Database } from '../db/database';
import { ping } from '../db/migrations';
import { type NotificationListener } from '../db/notification-listener';
import { type Config } from '../config';
import { discoveryDocument } from './discovery';
import { type Lifecycle } from './lifecycle';

/** Verifiers may cache our keys this long; a new key is added well before it signs (docs/tokens-and-keys.md). */
const JWKS_MAX_AGE_SECONDS = 300;
/** /readyz answers within this, whatever the database does. */
const READINESS_TIMEOUT_MS = 2000;

/** Rejects after `ms`; the timer is cleared once `work` settles either way. */
async function within<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The routes beside GraphQL: GET /healthz (the process answers), GET /readyz (the database answers too,
 * and the process is not shutting down; its body says how revocations reach this instance), GET
 * /.well-known/jwks.json (the public keys of this API's RS256/ES256 tokens; an HS secret is never published)
 * and GET /.well-known/openid-configuration (server/discovery.ts).
 */
export function registerRoutes(
  app: FastifyInstance,
  config: Pick<Config, 'jwt' | 'server'>,
  deps: {
    readonly tokens: TokenService;
    readonly database: Database;
    readonly notifications: Pick<NotificationListener, 'state'>;
    readonly log: Logger;
    readonly lifecycle: Lifecycle;
  },
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  const jwks = deps.tokens.jwks();
  app.get('/.well-known/jwks.json', async (_request, reply) =>
    reply.header('cache-control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`).send(jwks),
  );
  const discovery = discoveryDocument(config);
  app.get('/.well-known/openid-configuration', async (_request, reply) =>
    discovery.available
      ? reply.header('cache-control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`).send(discovery.document)
      : reply.code(404).send({ error: 'discovery_unavailable', message: discovery.reason }),
  );
  app.get('/readyz', async (request, reply) => {
    if (deps.lifecycle.draining) return reply.code(503).send({ status: 'draining' });
    try {
      await within(ping(deps.database.db), READINESS_TIMEOUT_MS, 'database did not answer in time');
      // Still ready while polling: revocations then arrive within REVOCATION_POLL_INTERVAL, not a second.
      // The key keeps its name: operators' probes read it.
      return { status: 'ready', revocations: deps.notifications.state };
    } catch (error) {
      deps.log.warn(
        { reqId: request.id, err: { message: (error as Error).message } },
        'not ready: database unavailable',
      );
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
}

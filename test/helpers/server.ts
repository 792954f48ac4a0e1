import { type TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type FastifyInstance } from 'fastify';
import { type FormattedExecutionResult, print } from 'graphql';
import { assembleApi } from '../../src/assembly';
import { type Services } from '../../src/bootstrap';
import { parseConfig } from '../../src/config';
import { type PrometheusMetrics } from '../../src/observability/prometheus-metrics';
import { type Tracing } from '../../src/observability/tracing-hooks';
import { type TokenService } from '../../src/auth/token-service';
import { createLogger } from '../../src/logger';
import { defineApi } from '../../src/modules/api-definition';
import { type ApiModule } from '../../src/modules/api-module';
import { TEST_ENV } from '../fixtures/keys';
import { type TestDatabase } from './databases';

export interface TestServer {
  readonly app: FastifyInstance;
  readonly tokens: TokenService;
  readonly services: Services;
  /** Every JSON log line the server wrote, raw, so tests can search them for leaks. */
  readonly logs: string[];
  /** Present when the environment turns metrics on (METRICS_TOKEN or METRICS_PORT). */
  readonly metrics: PrometheusMetrics | undefined;
  close(): Promise<void>;
}

/**
 * A real server (fastify + Apollo + shield + the account services) on the test configuration, with an
 * in-memory SQLite database unless `env` names another; requests go through `inject`.
 */
export interface TestServerOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly clock?: () => number;
  /** Called after every database query the server runs. */
  readonly onQuery?: () => void;
  /** Spans for requests, tokens, permission checks and queries (the tracing test passes one). */
  readonly tracing?: Tracing;
  /** Domain modules, as if listed in src/modules/registered-modules.ts (the registered ones by default). */
  readonly modules?: readonly ApiModule[];
  /**
   * The test makes the server fail on purpose (a fault of its own, not of a client), so log lines at level
   * 50 or above are expected. Without it, any such line fails the request that caused it (`execute`) and
   * the server's close: a client can never trip the operator's "alert on level >= 50".
   */
  readonly allowErrorLogs?: boolean;
}

/** Log lines an operator is alerted on: level 50 (error) or 60 (fatal). */
const ALERTING = /"level":(50|60)/;
/** Each test server's raw log lines, for `execute` to check what a request wrote. */
const serverLogs = new WeakMap<
  FastifyInstance,
  { lines: string[]; allowErrors: boolean; accepted: Set<string> }
>();

function alerting(lines: readonly string[]): string[] {
  return lines.filter((line) => ALERTING.test(line)).map((line) => line.slice(0, 300));
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const env = { ...TEST_ENV, DATABASE_URL: 'sqlite::memory:', ...options.env };
  const logs: string[] = [];
  const logger = createLogger('info', { write: (line) => logs.push(line) });
  const { app, runtime, services, metrics, close } = await assembleApi(parseConfig(env), {
    logger,
    ...(options.clock && { clock: options.clock }),
    ...(options.tracing && { tracing: options.tracing }),
    ...(options.onQuery && { onQuery: options.onQuery }),
    ...(options.modules && { api: defineApi(options.modules) }),
  });
  await app.ready();
  const accepted = new Set<string>();
  serverLogs.set(app, { lines: logs, allowErrors: options.allowErrorLogs ?? false, accepted });
  return {
    app,
    tokens: runtime.tokens,
    services,
    logs,
    metrics,
    close: async () => {
      await close();
      const errors = options.allowErrorLogs ? [] : alerting(logs.filter((line) => !accepted.has(line)));
      if (errors.length > 0) throw new Error(`the server logged at level >= 50:\n${errors.join('\n')}`);
    },
  };
}

/**
 * {@link startTestServer} on a fresh database of `database`'s engine; closing the server drops it.
 */
export async function startTestServerOn(
  database: TestDatabase,
  options: TestServerOptions = {},
): Promise<TestServer> {
  const created = await database.create();
  const server = await startTestServer({ ...options, env: { ...options.env, DATABASE_URL: created.url } });
  return {
    ...server,
    close: async () => {
      await server.close();
      await created.drop();
    },
  };
}

export interface GraphQLResponse<TData> {
  readonly status: number;
  readonly headers: Record<string, string | string[] | number | undefined>;
  readonly body: FormattedExecutionResult<TData>;
  readonly raw: string;
}

/**
 * POSTs a typed operation (or, for ad hoc queries, a string) over HTTP (fastify inject), so the context
 * function runs exactly as in production. `authorization` is sent verbatim; `token` as `Bearer <token>`;
 * `ip` is the socket's address and `headers` go as they are.
 */
export async function execute<TData, TVariables>(
  app: FastifyInstance,
  document: TypedDocumentNode<TData, TVariables> | string,
  variables?: TVariables,
  auth: {
    token?: string;
    authorization?: string;
    ip?: string;
    headers?: Record<string, string>;
    /** The test broke the server for this request (its database): what it logs at level 50 is expected. */
    serverFault?: boolean;
  } = {},
): Promise<GraphQLResponse<TData>> {
  const authorization = auth.authorization ?? (auth.token === undefined ? undefined : `Bearer ${auth.token}`);
  const log = serverLogs.get(app);
  const before = log?.lines.length ?? 0;
  const response = await app.inject({
    method: 'POST',
    url: '/graphql',
    headers: {
      'content-type': 'application/json',
      ...auth.headers,
      ...(authorization !== undefined && { authorization }),
    },
    ...(auth.ip && { remoteAddress: auth.ip }),
    payload: JSON.stringify({ query: typeof document === 'string' ? document : print(document), variables }),
  });
  if (auth.serverFault) for (const line of log?.lines.slice(before) ?? []) log!.accepted.add(line);
  const errors = log && !log.allowErrors && !auth.serverFault ? alerting(log.lines.slice(before)) : [];
  if (errors.length > 0)
    throw new Error(`a client's request made the server log at level >= 50:\n${errors.join('\n')}`);
  return {
    status: response.statusCode,
    headers: response.headers,
    body: response.json<FormattedExecutionResult<TData>>(),
    raw: response.body,
  };
}

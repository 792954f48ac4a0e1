import { type TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type FastifyInstance } from 'fastify';
import { type FormattedExecutionResult, print } from 'graphql';
import { type TokenService } from '../../src/auth/token-service';
import { parseConfig } from '../../src/config';
import { createServer } from '../../src/server';
import { TEST_ENV } from '../fixtures/keys';
import { testTokenService } from './tokens';

export interface TestServer {
  readonly app: FastifyInstance;
  readonly tokens: TokenService;
  /** Every JSON log line the server wrote, raw, so tests can search them for leaks. */
  readonly logs: string[];
  close(): Promise<void>;
}

/** A real server (fastify + Apollo + shield) on the test configuration; requests go through `inject`. */
export async function startTestServer(
  options: { env?: Readonly<Record<string, string>>; clock?: () => number } = {},
): Promise<TestServer> {
  const env = { ...TEST_ENV, ...options.env };
  const tokens = testTokenService({ env, ...(options.clock && { clock: options.clock }) });
  const logs: string[] = [];
  const app = await createServer(parseConfig(env), {
    tokens,
    logStream: { write: (line) => logs.push(line) },
  });
  await app.ready();
  return { app, tokens, logs, close: () => app.close() };
}

export interface GraphQLResponse<TData> {
  readonly status: number;
  readonly headers: Record<string, string | string[] | number | undefined>;
  readonly body: FormattedExecutionResult<TData>;
  readonly raw: string;
}

/**
 * POSTs a typed operation (or, for ad hoc queries, a string) over HTTP (fastify inject), so the context function runs exactly as in production.
 * `authorization` is sent verbatim; `token` is sent as `Bearer <token>`.
 */
export async function execute<TData, TVariables>(
  app: FastifyInstance,
  document: TypedDocumentNode<TData, TVariables> | string,
  variables?: TVariables,
  auth: { token?: string; authorization?: string } = {},
): Promise<GraphQLResponse<TData>> {
  const authorization = auth.authorization ?? (auth.token === undefined ? undefined : `Bearer ${auth.token}`);
  const response = await app.inject({
    method: 'POST',
    url: '/graphql',
    headers: {
      'content-type': 'application/json',
      ...(authorization !== undefined && { authorization }),
    },
    payload: JSON.stringify({ query: typeof document === 'string' ? document : print(document), variables }),
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    body: response.json<FormattedExecutionResult<TData>>(),
    raw: response.body,
  };
}

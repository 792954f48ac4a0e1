import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  LoginDocument,
  MeDocument,
  MySessionsDocument,
  UsersDocument,
} from '../../clients/typescript/src/index';
import { documentHash } from '../../clients/typescript/src/apollo';
import { startTracing } from '../../src/observability/tracing';
import { PinnedExecution } from '../../src/server/pinned-execution';
import { type Tracing } from '../../src/observability/tracing-hooks';
import { ENGINES } from '../helpers/databases';
import { DIST, freshEnv, startServerProcess } from '../helpers/process';
import { until } from '../helpers/wait';
import { execute, startTestServerOn, type TestServer } from '../helpers/server';

const PASSWORD = 'correct horse battery';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const traceparent = (traceId = TRACE_ID) => `00-${traceId}-${CALLER_SPAN}-01`;

const exporter = new InMemorySpanExporter();
let tracing: Tracing;

beforeAll(() => {
  const config = { otlpEndpoint: 'http://127.0.0.1:4318', serviceName: 'graphql-jwt-api-test' };
  const sampling = { sampler: 'parentbased_always_on', samplerRatio: 1, exportBatchSize: 128 } as const;
  tracing = startTracing({ ...config, ...sampling }, [new SimpleSpanProcessor(exporter)]);
});
afterAll(() => tracing.shutdown());

/** The spans of one trace, and a way to find each one's children. */
function traceOf(traceId: string) {
  const spans = exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
  const root = spans.find((span) => span.parentSpanContext?.spanId === CALLER_SPAN);
  const childrenOf = (parent: ReadableSpan | undefined) =>
    spans.filter((span) => parent && span.parentSpanContext?.spanId === parent.spanContext().spanId);
  return { spans, root, children: childrenOf(root) };
}

describe.each(ENGINES)('OpenTelemetry traces [%s]', (_engine, database, available) => {
  let server: TestServer;
  let jane: string;
  /** Every database query the server has run. */
  let queries = 0;

  beforeAll(async () => {
    if (!available) return;
    server = await startTestServerOn(database, {
      tracing,
      onQuery: () => (queries += 1),
      // For the batch below.
      env: { GRAPHQL_BATCH_LIMIT: '5' },
    });
    await server.services.users.createUser({ username: 'jane', password: PASSWORD, scopes: [] }, {});
    jane = (await execute(server.app, LoginDocument, { username: 'jane', password: PASSWORD })).body.data!
      .login!.accessToken;
  });
  afterAll(async () => {
    if (available) await server.close();
  });
  beforeEach(() => exporter.reset());

  (available ? it : it.skip)(
    'continues the caller’s trace: a span per request, its token check as a child, its decisions as events',
    async () => {
      const response = await execute(
        server.app,
        MeDocument,
        {},
        {
          token: jane,
          headers: { traceparent: traceparent() },
        },
      );
      expect(response.status).toBe(200);
      const { root, children } = traceOf(TRACE_ID);
      expect(root).toBeDefined();
      expect(root!.name).toBe('query Me');
      const subject = (await server.tokens.verify(jane)).subject;
      expect(root!.attributes).toMatchObject({
        'graphql.operation.name': 'Me',
        'graphql.operation.type': 'query',
        'graphql.outcome': 'ok',
        'enduser.id': subject,
        'http.response.status_code': 200,
      });
      // The token is new to the server: verified in full, in a span of its own.
      expect(children.map((span) => [span.name, span.attributes['auth.outcome']])).toEqual([
        ['jwt.verify', 'verified'],
      ]);
      // A decision per checked field, on the request's span: no span per field.
      expect(root!.events.map((event) => [event.name, event.attributes])).toEqual([
        ['authz.decision', { 'graphql.field': 'Query.me', 'authz.decision': 'allow' }],
      ]);
      // The request's log line carries the trace id, so a trace leads to its log and back.
      const line = server.logs.map((text) => JSON.parse(text) as Record<string, unknown>).at(-1)!;
      expect(line).toMatchObject({ msg: 'graphql request', traceId: TRACE_ID });
    },
  );

  (available ? it : it.skip)('draws no span for a token the cache remembers', async () => {
    // Seen twice by now (the test above and its verify): remembered, a map lookup.
    const traceId = 'aaaabbbbccccddddeeeeffff00004444';
    await execute(server.app, MeDocument, {}, { token: jane });
    const response = await execute(
      server.app,
      MeDocument,
      {},
      { token: jane, headers: { traceparent: traceparent(traceId) } },
    );
    expect(response.status).toBe(200);
    const { root, children } = traceOf(traceId);
    expect(root!.name).toBe('query Me');
    expect(children).toEqual([]);
  });

  (available ? it : it.skip)('draws a span for each database query and an event per decision', async () => {
    const traceId = 'aaaabbbbccccddddeeeeffff00001111';
    await execute(
      server.app,
      LoginDocument,
      { username: 'jane', password: PASSWORD },
      {
        headers: { traceparent: traceparent(traceId) },
      },
    );
    const login = traceOf(traceId);
    expect(login.root!.name).toBe('mutation Login');
    const queries = login.children.filter((span) => span.attributes['db.system.name']);
    expect(queries.length).toBeGreaterThan(1);
    expect(queries.map((span) => span.name)).toEqual(expect.arrayContaining(['SELECT', 'INSERT']));
    const text = JSON.stringify(login.spans.map((span) => span.attributes));
    expect(text).not.toContain(PASSWORD);

    const denied = 'aaaabbbbccccddddeeeeffff00002222';
    const response = await execute(
      server.app,
      UsersDocument,
      {},
      {
        token: jane,
        headers: { traceparent: traceparent(denied) },
      },
    );
    expect(response.status).toBe(403);
    const users = traceOf(denied);
    expect(users.root!.events.map((event) => [event.name, event.attributes])).toEqual(
      expect.arrayContaining([
        ['authz.decision', { 'graphql.field': 'Query.users', 'authz.decision': 'deny' }],
      ]),
    );
    expect(users.children.filter((span) => span.name === 'graphql.permission')).toEqual([]);
    expect(users.root!.attributes['graphql.outcome']).toBe('error');
  });

  (available ? it : it.skip)(
    'parents each query to its own request when many are recorded at once (the context is switched off only when none is in flight)',
    async () => {
      const traceIds = Array.from(
        { length: 12 },
        (_, index) => `${'ab'.repeat(14)}${String(index).padStart(4, '0')}`,
      );
      for (let trial = 0; trial < 3; trial += 1) {
        exporter.reset();
        await Promise.all(
          traceIds.map((traceId) =>
            execute(
              server.app,
              MySessionsDocument,
              {},
              { token: jane, headers: { traceparent: traceparent(traceId) } },
            ),
          ),
        );
        for (const traceId of traceIds) {
          const { root, children, spans } = traceOf(traceId);
          expect(root!.name).toBe('query MySessions');
          const queries = children.filter((span) => span.attributes['db.system.name']);
          expect(queries.length).toBeGreaterThan(0);
          // Nothing of this trace hangs elsewhere: every span is the root or its child.
          expect(spans.length).toBe(1 + children.length);
        }
      }
    },
  );

  (available ? it : it.skip)(
    'keeps an operation that reads only the token out of the async context, which it does not need',
    async () => {
      const entered = jest.spyOn(context, 'with');
      /** The traces whose request span was entered as the async context. */
      const enteredFor = (traceId: string) =>
        entered.mock.calls.filter(([active]) => trace.getSpan(active)?.spanContext().traceId === traceId)
          .length;
      try {
        const tokenOnly = Array.from(
          { length: 5 },
          (_, index) => `${'cd'.repeat(14)}${String(index).padStart(4, '0')}`,
        );
        const before = queries;
        for (const traceId of tokenOnly) {
          const response = await execute(
            server.app,
            '{ me { id username scopes greeting tokenExpiresAt ... on Viewer { __typename } } permissions { operation } }',
            {},
            { token: jane, headers: { traceparent: traceparent(traceId) } },
          );
          expect(response.status).toBe(200);
          const { root } = traceOf(traceId);
          expect(root!.events.map((event) => event.attributes!['graphql.field'])).toEqual(['Query.me']);
          expect(enteredFor(traceId)).toBe(0);
        }
        // What the marks (graphql/token-only.ts) promise: these fields read no database.
        expect(queries).toBe(before);

        // The same `me` with a field beneath that reads the database enters it, and its queries are the
        // request's children.
        const sessions = 'cdcdcdcdcdcdcdcdcdcdcdcdcdcd9999';
        await execute(
          server.app,
          MySessionsDocument,
          {},
          { token: jane, headers: { traceparent: traceparent(sessions) } },
        );
        expect(enteredFor(sessions)).toBeGreaterThan(0);
        expect(
          traceOf(sessions).children.filter((span) => span.attributes['db.system.name']).length,
        ).toBeGreaterThan(0);
      } finally {
        entered.mockRestore();
      }
    },
  );

  (available ? it : it.skip)(
    'parents the queries of every operation of a batch, a token-only one beside them, through fragments',
    async () => {
      const traceId = 'aaaabbbbccccddddeeeeffff00007777';
      const response = await server.app.inject({
        method: 'POST',
        url: '/graphql',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${jane}`,
          traceparent: traceparent(traceId),
        },
        payload: JSON.stringify([
          { query: '{ me { id } }' },
          { query: '{ me { ...Mine } } fragment Mine on Viewer { id sessions { id } }' },
          { query: '{ me { ... on Viewer { sessions { current } } } }' },
        ]),
      });
      expect(response.statusCode).toBe(200);
      const results = response.json<Array<{ data?: unknown; errors?: unknown }>>();
      expect(results.map((result) => result.errors)).toEqual([undefined, undefined, undefined]);
      const { root, children, spans } = traceOf(traceId);
      expect(root).toBeDefined();
      // Each operation that reads the sessions reads them in the request's trace.
      expect(children.filter((span) => span.attributes['db.system.name']).length).toBeGreaterThanOrEqual(2);
      expect(spans.length).toBe(1 + children.length);
    },
  );

  (available ? it : it.skip)('records why a token was refused, and never the token', async () => {
    const traceId = 'aaaabbbbccccddddeeeeffff00003333';
    const response = await execute(
      server.app,
      MeDocument,
      {},
      {
        token: `${jane}gh67j`,
        headers: { traceparent: traceparent(traceId) },
      },
    );
    expect(response.status).toBe(401);
    const { root, children, spans } = traceOf(traceId);
    expect(root!.attributes['http.response.status_code']).toBe(401);
    expect(children.map((span) => [span.name, span.attributes['auth.outcome']])).toEqual([
      ['jwt.verify', 'TOKEN_INVALID'],
    ]);
    expect(JSON.stringify(spans.map((span) => [span.name, span.attributes]))).not.toContain(
      jane.split('.')[2]!,
    );
    expect(server.logs.join('\n')).toContain(`"traceId":"${traceId}"`);
  });

  (available ? it : it.skip)('traces the GraphQL route alone, by GET as by POST', async () => {
    const probe = 'aaaabbbbccccddddeeeeffff00008888';
    for (const url of ['/healthz', '/.well-known/jwks.json']) {
      const response = await server.app.inject({
        method: 'GET',
        url,
        headers: { traceparent: traceparent(probe) },
      });
      expect(response.statusCode).toBe(200);
    }
    expect(traceOf(probe).spans).toEqual([]);

    const byGet = 'aaaabbbbccccddddeeeeffff00009999';
    const response = await server.app.inject({
      method: 'GET',
      url: `/graphql?query=${encodeURIComponent('query Greeting { me { greeting } }')}`,
      headers: {
        authorization: `Bearer ${jane}`,
        traceparent: traceparent(byGet),
        'apollo-require-preflight': 'true',
      },
    });
    expect(response.statusCode).toBe(200);
    const { root } = traceOf(byGet);
    expect(root!.name).toBe('query Greeting');
    expect(root!.attributes).toMatchObject({ 'http.request.method': 'GET', 'url.path': '/graphql' });
  });

  (available ? it : it.skip)(
    'draws the same trace for a trusted document run outside Apollo: the request, its token, its decisions and queries',
    async () => {
      const trusted = await startTestServerOn(database, { tracing, env: { TRUSTED_DOCUMENTS: 'allow' } });
      const run = jest.spyOn(PinnedExecution.prototype, 'run');
      try {
        await trusted.services.users.createUser({ username: 'june', password: PASSWORD, scopes: [] }, {});
        const login = await execute(trusted.app, LoginDocument, { username: 'june', password: PASSWORD });
        const token = login.body.data!.login!.accessToken;
        const byId = async (document: Parameters<typeof documentHash>[0], traceId: string) => {
          const response = await trusted.app.inject({
            method: 'POST',
            url: '/graphql',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${token}`,
              traceparent: traceparent(traceId),
            },
            payload: JSON.stringify({ documentId: documentHash(document) }),
          });
          // Answered by the direct path, not handed to Apollo.
          expect(typeof (await run.mock.results.at(-1)!.value)).toBe('string');
          return response;
        };
        exporter.reset();
        const meTrace = 'aaaabbbbccccddddeeeeffff00005555';
        expect((await byId(MeDocument, meTrace)).statusCode).toBe(200);
        const me = traceOf(meTrace);
        expect(me.root!.name).toBe('query Me');
        expect(me.root!.attributes).toMatchObject({
          'graphql.operation.name': 'Me',
          'graphql.operation.type': 'query',
          'graphql.outcome': 'ok',
          'enduser.id': (await trusted.tokens.verify(token)).subject,
          'http.response.status_code': 200,
        });
        expect(me.children.map((span) => span.name)).toEqual(['jwt.verify']);
        expect(me.root!.events.map((event) => event.attributes?.['graphql.field'])).toEqual(['Query.me']);

        const sessionsTrace = 'aaaabbbbccccddddeeeeffff00006666';
        expect((await byId(MySessionsDocument, sessionsTrace)).statusCode).toBe(200);
        const sessions = traceOf(sessionsTrace);
        expect(sessions.root!.name).toBe('query MySessions');
        expect(sessions.children.filter((span) => span.attributes['db.system.name']).length).toBeGreaterThan(
          0,
        );

        const deniedTrace = 'aaaabbbbccccddddeeeeffff00007777';
        expect((await byId(UsersDocument, deniedTrace)).statusCode).toBe(403);
        const denied = traceOf(deniedTrace);
        expect(denied.root!.attributes).toMatchObject({
          'graphql.outcome': 'error',
          'http.response.status_code': 403,
        });
      } finally {
        run.mockRestore();
        await trusted.close();
      }
    },
  );

  (available ? it : it.skip)('starts a new trace when the caller sends none', async () => {
    await execute(server.app, MeDocument, {}, { token: jane });
    const roots = exporter.getFinishedSpans().filter((span) => span.parentSpanContext === undefined);
    expect(roots.map((span) => span.name)).toEqual(['query Me']);
  });
});

it('loads no OpenTelemetry module (nor prom-client) when tracing and metrics are off', () => {
  // A server built and serving from the compiled output, as `npm run start:prod` runs it.
  const script = `
    require('reflect-metadata');
    const { assembleApi } = require('./assembly');
    const { parseConfig } = require('./config');
    const { createLogger } = require('./logger');
    (async () => {
      const config = parseConfig({ NODE_ENV: 'test', SIGNING_KEY: '${'k'.repeat(40)}', DATABASE_URL: 'sqlite::memory:' });
      const { app, close } = await assembleApi(config, { logger: createLogger('silent') });
      const response = await app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, payload: '{"query":"{ __typename }"}' });
      const loaded = Object.keys(require.cache).filter((file) => /@opentelemetry|prom-client/.test(file));
      process.stdout.write(JSON.stringify({ status: response.statusCode, loaded }));
      await close();
    })();
  `;
  const result = spawnSync(process.execPath, ['-e', script], { cwd: DIST, encoding: 'utf8' });
  expect(JSON.parse(result.stdout || result.stderr)).toEqual({ status: 200, loaded: [] });
});

/** A local OTLP collector that keeps what it is sent. */
async function startCollector() {
  const received: Array<{ path: string; type: string | undefined; body: Buffer }> = [];
  const collector = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url!,
        type: request.headers['content-type'],
        body: Buffer.concat(chunks),
      });
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  return { received, port: (collector.address() as AddressInfo).port, collector };
}

// Each starts a server process: 30 s allows for a loaded machine (the default 5 s did not, under a benchmark).
describe('OTEL_EXPORTER_OTLP_ENDPOINT, as a process', () => {
  it('sends its spans to the collector over OTLP/HTTP, and flushes them on SIGTERM', async () => {
    const { received, port, collector } = await startCollector();
    try {
      const server = await startServerProcess(
        freshEnv({
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}/`,
          OTEL_SERVICE_NAME: 'api-under-test',
        }),
      );
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: traceparent() },
        body: JSON.stringify({ query: 'query Hello { __typename }' }),
      });
      expect(response.status).toBe(200);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(received.map(({ path, type }) => [path, type])).toEqual([
        ['/v1/traces', 'application/x-protobuf'],
      ]);
      const body = received[0]!.body;
      expect(body.includes('query Hello')).toBe(true);
      expect(body.includes('api-under-test')).toBe(true);
      expect(body.includes(Buffer.from(TRACE_ID, 'hex'))).toBe(true);
    } finally {
      collector.close();
    }
  }, 30_000);

  it('sends a batch once OTEL_BSP_MAX_EXPORT_BATCH_SIZE spans wait, without waiting for the timer', async () => {
    const { received, port, collector } = await startCollector();
    try {
      const server = await startServerProcess(
        freshEnv({
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}/`,
          OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2',
          // The timer alone would send nothing within the test.
          OTEL_BSP_SCHEDULE_DELAY: '600000',
        }),
      );
      for (const name of ['One', 'Two', 'Three', 'Four']) {
        const response = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: `query ${name} { __typename }` }),
        });
        expect(response.status).toBe(200);
      }
      // Four requests, a span each: two batches of two, before any timer or shutdown.
      await until(() => received.length >= 2, 10_000);
      expect(received.length).toBe(2);
      const [first, second] = received.map((request) => request.body);
      expect([first!.includes('query One'), first!.includes('query Two')]).toEqual([true, true]);
      expect([second!.includes('query Three'), second!.includes('query Four')]).toEqual([true, true]);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    } finally {
      collector.close();
    }
  }, 30_000);

  it('honours OTEL_TRACES_SAMPLER: at a ratio of 0 only a caller’s sampled trace is recorded', async () => {
    const { received, port, collector } = await startCollector();
    try {
      const server = await startServerProcess(
        freshEnv({
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}/`,
          OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
          OTEL_TRACES_SAMPLER_ARG: '0',
        }),
      );
      const send = (query: string, headers: Record<string, string> = {}) =>
        fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ query }),
        });
      expect((await send('query Unsampled { __typename }')).status).toBe(200);
      const notSampled = `00-${'c'.repeat(32)}-${CALLER_SPAN}-00`;
      expect((await send('query CallerSaidNo { __typename }', { traceparent: notSampled })).status).toBe(200);
      expect((await send('query Followed { __typename }', { traceparent: traceparent() })).status).toBe(200);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      const body = Buffer.concat(received.map((request) => request.body));
      expect(body.includes('query Followed')).toBe(true);
      expect(body.includes(Buffer.from(TRACE_ID, 'hex'))).toBe(true);
      expect(body.includes('Unsampled')).toBe(false);
      expect(body.includes('CallerSaidNo')).toBe(false);
    } finally {
      collector.close();
    }
  }, 30_000);
});

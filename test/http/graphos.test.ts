import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { Report } from '@apollo/usage-reporting-protobuf';
import { chromium } from 'playwright-core';
import { LoginDocument, MeDocument, UsersDocument } from '../../clients/typescript/src/index';
import { DIST, freshEnv, startServerProcess } from '../helpers/process';
import { execute, startTestServer, type TestServer } from '../helpers/server';

jest.setTimeout(30_000);

const STUDIO = 'https://studio.apollographql.com';
const API_KEY = 'service:my-graph:0123456789abcdefghij';
const PASSWORD = 'correct horse battery';
/** A variable value no report may carry. */
const SECRET_ID = 'variable-value-7c1e9f';

/** A stand-in for Apollo's usage-reporting ingress: it keeps every report, decoded, and its API key header. */
async function startIngress() {
  const reports: Array<{ path: string; apiKey: string | undefined; json: string }> = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const report = Report.decode(gunzipSync(Buffer.concat(chunks)));
      reports.push({
        path: request.url ?? '',
        apiKey: request.headers['x-api-key'] as string | undefined,
        json: JSON.stringify(Report.toObject(report, { longs: String, defaults: false })),
      });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    reports,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A production server (CSRF prevention on, as always) whose CORS_ORIGINS are `origins`, introspection on. */
const production = (origins: string) =>
  startTestServer({
    env: {
      NODE_ENV: 'production',
      PASSWORD_SCRYPT_LOG2N: '14',
      CORS_ORIGINS: origins,
      INTROSPECTION: 'true',
    },
  });

describe('Apollo Studio Explorer against a deployed API', () => {
  let listed: TestServer;
  let unlisted: TestServer;
  let token: string;

  beforeAll(async () => {
    listed = await production(`https://app.example.com,${STUDIO}`);
    unlisted = await production('https://app.example.com');
    token = listed.tokens.issue({ subject: '4', username: 'Jane', scopes: [] }).token;
  });
  afterAll(async () => {
    await listed.close();
    await unlisted.close();
  });

  // What the Explorer's browser sends: a preflight for JSON with a token, then the POST.
  const preflight = (server: TestServer) =>
    server.app.inject({
      method: 'OPTIONS',
      url: '/graphql',
      headers: {
        origin: STUDIO,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,apollographql-client-name',
      },
    });
  const post = (server: TestServer, query: string, headers: Record<string, string> = {}) =>
    server.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { origin: STUDIO, authorization: `Bearer ${token}`, ...headers },
      payload: JSON.stringify({ query }),
    });

  it('passes the preflight and the request from Studio when CORS_ORIGINS lists it', async () => {
    const allowed = await preflight(listed);
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(STUDIO);
    const headers = String(allowed.headers['access-control-allow-headers']).split(/,\s*/);
    expect(headers).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'apollographql-client-name']),
    );
    expect(allowed.headers['access-control-allow-credentials']).toBeUndefined();

    const me = await post(listed, '{ me { greeting } }', { 'content-type': 'application/json' });
    expect(me.statusCode).toBe(200);
    expect(me.headers['access-control-allow-origin']).toBe(STUDIO);
    expect(me.json()).toEqual({ data: { me: { greeting: 'Hey Jane' } } });
    // The Explorer reads the schema by introspection where INTROSPECTION is on.
    const schema = await post(listed, '{ __schema { queryType { name } } }', {
      'content-type': 'application/json',
    });
    expect(schema.json()).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('gives Studio no CORS headers when it is not listed: the browser keeps the answer from it', async () => {
    const refused = await preflight(unlisted);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    const me = await post(unlisted, '{ me { greeting } }', { 'content-type': 'application/json' });
    expect(me.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('keeps CSRF prevention for a listed origin: a request a browser sends without preflight is refused', async () => {
    const simple = await post(listed, '{ me { greeting } }', { 'content-type': 'text/plain' });
    expect(simple.statusCode).toBe(400);
    expect(simple.body).toMatch(/CSRF|preflight/i);
    expect(simple.body).not.toContain('Hey Jane');
    const get = await listed.app.inject({
      method: 'GET',
      url: `/graphql?query=${encodeURIComponent('{ me { greeting } }')}`,
      headers: { origin: STUDIO, authorization: `Bearer ${token}` },
    });
    expect(get.statusCode).toBe(400);
  });
});

const BROWSER = process.env.TEST_CHROMIUM_AVAILABLE === '1';

/**
 * Debian's Chromium on a page whose origin is Studio's: this machine answers for studio.apollographql.com
 * (host-resolver rules, a self-signed certificate), so the browser enforces CORS exactly as for the
 * Explorer, preflights included.
 */
async function studioPage() {
  const dir = mkdtempSync(join(tmpdir(), 'studio-cert-'));
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1'].concat([
      '-subj',
      '/CN=studio.apollographql.com',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ]),
    { stdio: 'ignore' },
  );
  const site = createHttpsServer(
    { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
    (_request, response) => response.end('<!doctype html><title>Explorer</title>'),
  );
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      `--host-resolver-rules=MAP studio.apollographql.com:443 127.0.0.1:${(site.address() as AddressInfo).port}`,
      '--ignore-certificate-errors',
    ],
  });
  const page = await browser.newPage();
  await page.goto(`${STUDIO}/explorer`);
  return {
    /** A fetch from the page: the status and body, or the browser's refusal. */
    fetch: (url: string, init: { headers: Record<string, string>; body: string }) =>
      page.evaluate(
        async ({ url, init }) => {
          try {
            const response = await fetch(url, { method: 'POST', ...init });
            return { status: response.status, body: await response.text() };
          } catch (error) {
            return { refused: String(error) };
          }
        },
        { url, init },
      ),
    origin: () => page.evaluate(() => location.origin),
    close: async () => {
      await browser.close();
      await new Promise<void>((resolve) => site.close(() => resolve()));
    },
  };
}

(BROWSER ? describe : describe.skip)(
  "the Explorer in a real browser (Debian Chromium) at Studio's origin",
  () => {
    let listed: TestServer;
    let unlisted: TestServer;
    let studio: Awaited<ReturnType<typeof studioPage>>;
    let token: string;
    const urls = { listed: '', unlisted: '' };

    beforeAll(async () => {
      listed = await production(STUDIO);
      unlisted = await production('https://app.example.com');
      urls.listed = `${await listed.app.listen({ host: '127.0.0.1', port: 0 })}/graphql`;
      urls.unlisted = `${await unlisted.app.listen({ host: '127.0.0.1', port: 0 })}/graphql`;
      token = listed.tokens.issue({ subject: '4', username: 'Jane', scopes: [] }).token;
      studio = await studioPage();
    }, 30_000);
    afterAll(async () => {
      await studio?.close();
      await listed?.close();
      await unlisted?.close();
    });

    const explorerRequest = () => ({
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'apollographql-client-name': 'explorer',
      },
      body: JSON.stringify({ query: '{ me { greeting } }' }),
    });

    it('reads the answer when CORS_ORIGINS lists Studio, and is refused by the browser when it does not', async () => {
      expect(await studio.origin()).toBe(STUDIO);
      expect(await studio.fetch(urls.listed, explorerRequest())).toEqual({
        status: 200,
        body: `${JSON.stringify({ data: { me: { greeting: 'Hey Jane' } } })}\n`,
      });
      expect(await studio.fetch(urls.unlisted, explorerRequest())).toEqual({
        refused: expect.stringMatching(/Failed to fetch/),
      });
    });

    it('still meets CSRF prevention: a request the browser sends without a preflight is refused', async () => {
      const simple = await studio.fetch(urls.listed, {
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ query: '{ permissions { operation } }' }),
      });
      expect(simple).toMatchObject({ status: 400 });
    });
  },
);

describe('usage reporting to GraphOS', () => {
  let ingress: Awaited<ReturnType<typeof startIngress>>;

  beforeAll(async () => {
    ingress = await startIngress();
  });
  afterAll(() => ingress.close());

  it('reports operations and clients, and never a token, header, variable value, username or error message', async () => {
    const server = await startTestServer({
      env: {
        APOLLO_KEY: API_KEY,
        APOLLO_GRAPH_REF: 'my-graph@staging',
        APOLLO_USAGE_REPORTING_ENDPOINT: ingress.url,
      },
    });
    const { token } = server.tokens.issue({ subject: '4', username: 'Jane', scopes: [] });
    await server.services.users.createUser({ username: 'reporter-jane', password: PASSWORD, scopes: [] }, {});
    const ios = { 'apollographql-client-name': 'ios-app', 'apollographql-client-version': '4.2.0' };
    const sent: string[] = [];
    const me = await execute(server.app, MeDocument, {}, { token, headers: ios });
    expect(me.body.data?.me?.greeting).toBe('Hey Jane');
    const login = await execute(server.app, LoginDocument, { username: 'reporter-jane', password: PASSWORD });
    const { accessToken, refreshToken } = login.body.data!.login!;
    sent.push(accessToken, refreshToken);
    // Denied (no users:read): its message must not travel, its code may.
    const denied = await execute(
      server.app,
      UsersDocument,
      { first: 5 },
      { token: accessToken, headers: ios },
    );
    const deniedMessage = denied.body.errors![0]!.message;
    expect(denied.body.errors![0]!.extensions?.code).toBe('FORBIDDEN');
    await execute(
      server.app,
      'query One($id: ID!) { user(id: $id) { username } }',
      { id: SECRET_ID },
      { token, headers: { 'apollographql-client-name': 'web' } },
    );
    // A client name far longer than any app's: cut, not carried whole into every report.
    await execute(
      server.app,
      MeDocument,
      {},
      { token, headers: { 'apollographql-client-name': 'x'.repeat(4000) } },
    );
    // A literal pasted into a valid document: the signature strips it.
    await execute(server.app, `query Pasted { user(id: "${token}") { username } }`, {}, { token });
    // A document that does not parse, with a token pasted into it.
    await execute(server.app, `{ me { greeting } "${token}"`, {}, { token });
    await server.close(); // Apollo sends what it holds on shutdown.

    expect(ingress.reports.length).toBeGreaterThan(0);
    expect(ingress.reports.every((report) => report.path === '/api/ingress/traces')).toBe(true);
    expect(ingress.reports.every((report) => report.apiKey === API_KEY)).toBe(true);
    const json = ingress.reports.map((report) => report.json).join('\n');
    expect(json).toContain('"graphRef":"my-graph@staging"');
    expect(json).toContain('# Me\\n');
    expect(json).toContain('# Users\\n');
    expect(json).toContain('# Login\\n');
    expect(json).toContain('# Pasted\\n');
    expect(json).toContain('ios-app');
    expect(json).toContain('4.2.0');
    expect(json).toContain('FORBIDDEN');
    expect(json).toContain(`"${'x'.repeat(128)}"`);
    expect(json).not.toContain('x'.repeat(129));
    for (const secret of [
      token,
      token.split('.')[2]!,
      ...sent,
      'Bearer',
      'authorization',
      PASSWORD,
      'reporter-jane',
      'Jane',
      SECRET_ID,
      deniedMessage,
      API_KEY,
    ]) {
      expect(json).not.toContain(secret);
    }
  });

  it('says so in one startup line, and sends what it holds when the process is stopped', async () => {
    const off = await startServerProcess(freshEnv());
    off.child.kill('SIGTERM');
    await off.exited;
    expect(off.output().match(/usage reporting to GraphOS[^"]*/g)).toEqual([
      'usage reporting to GraphOS: off (APOLLO_KEY and APOLLO_GRAPH_REF unset)',
    ]);

    const before = ingress.reports.length;
    const on = await startServerProcess(
      freshEnv({
        APOLLO_KEY: API_KEY,
        APOLLO_GRAPH_REF: 'my-graph@staging',
        APOLLO_USAGE_REPORTING_ENDPOINT: ingress.url,
      }),
    );
    const response = await fetch(`${on.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'apollographql-client-name': 'cli-probe' },
      body: JSON.stringify({ query: 'query Probe { __typename }' }),
    });
    expect(response.status).toBe(200);
    on.child.kill('SIGTERM');
    expect(await on.exited).toBe(0);
    expect(on.output().match(/usage reporting to GraphOS[^"]*/g)).toEqual([
      `usage reporting to GraphOS: on, graph my-graph@staging, to ${ingress.url} (no headers, variable values or error messages)`,
    ]);
    expect(on.output()).not.toContain(API_KEY);
    const delivered = ingress.reports
      .slice(before)
      .map((report) => report.json)
      .join('\n');
    expect(delivered).toContain('# Probe\\n');
    expect(delivered).toContain('cli-probe');
  });

  it.each([
    [{ APOLLO_KEY: API_KEY }, /APOLLO_KEY and APOLLO_GRAPH_REF/],
    [{ APOLLO_GRAPH_REF: 'my-graph@current' }, /APOLLO_KEY and APOLLO_GRAPH_REF/],
    [{ APOLLO_KEY: API_KEY, APOLLO_GRAPH_REF: 'not a ref' }, /APOLLO_GRAPH_REF/],
    [{ APOLLO_USAGE_REPORTING_ENDPOINT: 'http://127.0.0.1:9' }, /APOLLO_USAGE_REPORTING_ENDPOINT/],
    [
      { APOLLO_KEY: API_KEY, APOLLO_GRAPH_REF: 'g@v', APOLLO_USAGE_REPORTING_ENDPOINT: 'ftp://x' },
      /ENDPOINT/,
    ],
    [{ APOLLO_SCHEMA_REPORTING: 'true' }, /APOLLO_SCHEMA_REPORTING/],
    [{ APOLLO_GRAPH_ID: 'my-graph' }, /APOLLO_GRAPH_ID/],
    [
      { APOLLO_KEY: API_KEY, APOLLO_GRAPH_REF: 'g@v', APOLLO_FIELD_LEVEL_INSTRUMENTATION: '2' },
      /FIELD_LEVEL/,
    ],
  ])('refuses %j at startup', async (env, problem) => {
    await expect(startTestServer({ env })).rejects.toThrow(problem);
  });
});

/**
 * Builds the compiled server in a process of its own whose environment is `env`, read by the configuration
 * and by Apollo Server alike (as in src/index.ts), serves one request, and lists what it loaded.
 */
function loadedBy(env: Record<string, string>): { status: number; loaded: string[] } {
  const script = `
    require('reflect-metadata');
    const { assembleApi } = require('./assembly');
    const { parseConfig } = require('./config');
    const { createLogger } = require('./logger');
    (async () => {
      const config = parseConfig(process.env);
      const { app, close } = await assembleApi(config, { logger: createLogger('silent') });
      const response = await app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', 'apollographql-client-name': 'web' }, payload: '{"query":"{ __typename }"}' });
      const loaded = Object.keys(require.cache).filter((file) => /usage-?reporting|inlineTrace|schemaReporting/i.test(file));
      process.stdout.write(JSON.stringify({ status: response.statusCode, loaded }));
      await close();
    })();
  `;
  const result = spawnSync(process.execPath, ['-e', script], {
    cwd: DIST,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      SIGNING_KEY: 'k'.repeat(40),
      DATABASE_URL: 'sqlite::memory:',
      ...env,
    },
  });
  return JSON.parse(result.stdout || result.stderr) as { status: number; loaded: string[] };
}

it('loads no usage-reporting module when the configuration leaves APOLLO_KEY and APOLLO_GRAPH_REF unset', () => {
  expect(loadedBy({})).toEqual({ status: 200, loaded: [] });
  // And the same check sees the plugin when the configuration names a graph (an unreachable endpoint).
  const reporting = loadedBy({
    APOLLO_KEY: API_KEY,
    APOLLO_GRAPH_REF: 'my-graph@current',
    APOLLO_USAGE_REPORTING_ENDPOINT: 'http://127.0.0.1:9',
  });
  expect(reporting.loaded).toEqual(expect.arrayContaining([expect.stringMatching(/usageReporting/)]));
});

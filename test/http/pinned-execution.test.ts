import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LightMyRequestResponse } from 'fastify';
import { PinnedExecution } from '../../src/server/pinned-execution';
import { startTestServer, type TestServer } from '../helpers/server';

/*
 * A trusted document runs outside Apollo's pipeline (src/server/pinned-execution.ts) and must answer exactly
 * as Apollo would. Each case is sent twice to one server: by id, which the direct path answers where it
 * can, and as the same text with a space after it, which no manifest holds, so Apollo parses, validates
 * and answers it. Status, headers, body, the log line and the metrics must come out the same, and the
 * case must have gone the way it says (run directly, or handed to Apollo).
 */

const METRICS_TOKEN = 'metrics-token-0123456789abcdefghijklmnop';
const PASSWORD = 'correct horse battery';
const DOCUMENTS = {
  me: 'query Me { me { greeting username } }',
  mixed: 'query Mixed { me { greeting } user(id: "someone-else") { username } }',
  users: 'query Users { users(first: 1) { nodes { username } } }',
  user: 'query User($id: ID!) { user(id: $id) { username } }',
  two: 'query A { me { greeting } } query B { me { username } }',
  login: 'mutation Login($u: String!, $p: String!) { login(username: $u, password: $p) { tokenType } }',
  issue: 'mutation Issue($input: IssueTokenInput!) { issueToken(input: $input) { tokenType } }',
  events: 'subscription Events { viewerEvents { at } }',
} as const;
type Name = keyof typeof DOCUMENTS;
const idOf = (text: string) => createHash('sha256').update(text).digest('hex');

interface Case {
  readonly document: Name;
  readonly direct: boolean;
  readonly variables?: unknown;
  readonly operationName?: unknown;
  readonly headers?: Record<string, string>;
  /** Left out of the comparison: fresh each time (a new session's tokens). */
  readonly compareBody?: false;
}

describe('pinned trusted documents run outside Apollo, answering as Apollo does', () => {
  let server: TestServer;
  let token: string;
  const run = jest.spyOn(PinnedExecution.prototype, 'run');

  beforeAll(async () => {
    const manifest = join(mkdtempSync(join(tmpdir(), 'pinned-')), 'manifest.json');
    writeFileSync(
      manifest,
      JSON.stringify(Object.fromEntries(Object.values(DOCUMENTS).map((text) => [idOf(text), text]))),
    );
    server = await startTestServer({
      env: {
        TRUSTED_DOCUMENTS: 'allow',
        TRUSTED_DOCUMENTS_MANIFESTS: manifest,
        METRICS_TOKEN,
        GRAPHQL_BATCH_LIMIT: '3',
      },
    });
    const jane = await server.services.users.createUser(
      { username: 'jane', password: PASSWORD, scopes: [] },
      {},
    );
    token = server.tokens.issue({ subject: jane.id, username: 'jane', scopes: [] }).token;
  });
  afterAll(async () => {
    run.mockRestore();
    await server.close();
  });

  const metricCounters = async () => {
    const text = (
      await server.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      })
    ).body;
    return new Map(
      text
        .split('\n')
        .filter((line) => /^\w+_total\{/.test(line))
        .map((line) => [line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1))]),
    );
  };

  /** One request, with what it changed in the counters and the log line it wrote. */
  async function send(body: Record<string, unknown>, headers: Record<string, string>) {
    const counters = await metricCounters();
    const logged = server.logs.length;
    const response = await server.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify(body),
    });
    const after = await metricCounters();
    // Deltas; the token cache's hits and misses follow the order of requests, not the path.
    const changed = [...after]
      .map(([series, value]) => [series, value - (counters.get(series) ?? 0)] as const)
      .filter(([series, delta]) => delta !== 0 && !series.startsWith('token_cache_'));
    const line = server.logs
      .slice(logged)
      .map((raw) => JSON.parse(raw) as { msg: string; graphql?: Record<string, unknown> })
      .filter((entry) => entry.msg === 'graphql request')
      .map(({ graphql }) => ({ ...graphql, durationMs: undefined }));
    return { response, changed, line, direct: typeof (await run.mock.results.at(-1)?.value) === 'string' };
  }

  const withoutRequestIds = (response: LightMyRequestResponse) =>
    response.body.replace(/"requestId":"[^"]*"/g, '"requestId":"…"');
  const head = (response: LightMyRequestResponse) => ({
    status: response.statusCode,
    type: response.headers['content-type'],
    cache: response.headers['cache-control'],
    challenge: response.headers['www-authenticate'],
    requestId: typeof response.headers['x-request-id'],
  });

  const bearer = () => ({ authorization: `Bearer ${token}` });
  const cases: Array<[string, () => Case]> = [
    ['a query', () => ({ document: 'me', direct: true, headers: bearer() })],
    [
      'a query negotiating application/graphql-response+json',
      () => ({
        document: 'me',
        direct: true,
        headers: { ...bearer(), accept: 'application/graphql-response+json' },
      }),
    ],
    ['a query without a credential (401)', () => ({ document: 'me', direct: true })],
    [
      'a refused field beside data (200, partial)',
      () => ({ document: 'mixed', direct: true, headers: bearer() }),
    ],
    [
      'a refused query (403 with a challenge)',
      () => ({ document: 'users', direct: true, headers: bearer() }),
    ],
    ['variables', () => ({ document: 'user', direct: true, variables: { id: 'nobody' }, headers: bearer() })],
    [
      'an operation chosen by name',
      () => ({ document: 'two', direct: true, operationName: 'B', headers: bearer() }),
    ],
    [
      'a mutation refused by its scopes',
      () => ({
        document: 'issue',
        direct: true,
        variables: { input: { subject: 's', username: 'u' } },
        headers: bearer(),
      }),
    ],
    [
      'a refused credential (handed over)',
      () => ({ document: 'me', direct: false, headers: { authorization: `Bearer ${token}x` } }),
    ],
    ['a missing variable (handed over)', () => ({ document: 'user', direct: false, headers: bearer() })],
    [
      'a variable of the wrong type (handed over)',
      () => ({ document: 'user', direct: false, variables: { id: { not: 'an id' } }, headers: bearer() }),
    ],
    [
      'variables sent as text (handed over)',
      () => ({ document: 'user', direct: false, variables: '{"id":"x"}', headers: bearer() }),
    ],
    [
      'text no database can store (handed over)',
      () => ({ document: 'user', direct: false, variables: { id: 'a\u0000b' }, headers: bearer() }),
    ],
    [
      'no operation name for two operations (handed over)',
      () => ({ document: 'two', direct: false, headers: bearer() }),
    ],
    [
      'an operation name the document lacks (handed over)',
      () => ({ document: 'two', direct: false, operationName: 'C', headers: bearer() }),
    ],
    [
      'an operation name that is not text (handed over)',
      () => ({ document: 'me', direct: false, operationName: 7, headers: bearer() }),
    ],
    [
      'an Accept header Apollo answers with 406 (handed over)',
      () => ({ document: 'me', direct: false, headers: { ...bearer(), accept: 'text/html' } }),
    ],
    [
      'a subscription over HTTP (handed over)',
      () => ({ document: 'events', direct: false, headers: bearer() }),
    ],
    [
      'a login: a password check, counted per HTTP request (handed over)',
      () => ({
        document: 'login',
        direct: false,
        variables: { u: 'jane', p: PASSWORD },
        compareBody: false,
      }),
    ],
  ];

  it.each(cases)('%s', async (_name, describeCase) => {
    const { document, direct, variables, operationName, headers = {}, compareBody } = describeCase();
    const rest = {
      ...(variables !== undefined && { variables }),
      ...(operationName !== undefined && { operationName }),
    };
    const byId = await send({ documentId: idOf(DOCUMENTS[document]), ...rest }, headers);
    expect(byId.direct).toBe(direct);
    const byText = await send({ query: `${DOCUMENTS[document]} `, ...rest }, headers);
    expect(byText.direct).toBe(false);

    expect(head(byId.response)).toEqual(head(byText.response));
    if (compareBody !== false)
      expect(withoutRequestIds(byId.response)).toBe(withoutRequestIds(byText.response));
    expect(byId.line).toEqual(byText.line);
    expect(byId.changed).toEqual(byText.changed);
  });

  it('answers the exact text of a pinned document directly, and leaves an APQ hash beside it to Apollo', async () => {
    const plain = await send({ query: DOCUMENTS.me }, bearer());
    expect([plain.direct, plain.response.statusCode]).toEqual([true, 200]);
    // A hash the manifest does not know, beside a pinned text: Apollo checks it against the text.
    const mismatched = await send(
      { query: DOCUMENTS.me, extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } },
      bearer(),
    );
    expect([mismatched.direct, mismatched.response.statusCode]).toEqual([false, 400]);
  });

  it('leaves GET and batches to Apollo', async () => {
    const get = await server.app.inject({
      method: 'GET',
      url: `/graphql?documentId=${idOf(DOCUMENTS.me)}`,
      headers: { ...bearer(), 'apollo-require-preflight': 'true' },
    });
    expect(get.json()).toEqual({ data: { me: { greeting: 'Hey jane', username: 'jane' } } });
    const batch = await server.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', ...bearer() },
      payload: JSON.stringify([{ documentId: idOf(DOCUMENTS.me) }]),
    });
    expect(batch.json()).toEqual([{ data: { me: { greeting: 'Hey jane', username: 'jane' } } }]);
    const answered = await Promise.all(
      run.mock.results.slice(-2).map((result) => result.value as Promise<string | undefined>),
    );
    expect(answered).toEqual([undefined, undefined]);
  });
});

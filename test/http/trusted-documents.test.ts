import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { print } from 'graphql';
import { createClient, type SubscribePayload } from 'graphql-ws';
import WebSocket from 'ws';
import {
  createAuthLink,
  createPersistedDocumentLink,
  documentHash,
} from '../../clients/typescript/src/apollo';
import {
  AuthSession,
  LoginDocument,
  MeDocument,
  RevokeAllSessionsDocument,
  ViewerEventsDocument,
} from '../../clients/typescript/src/index';
import { manualClock } from '../fixtures/clock';
import { startTestServer } from '../helpers/server';

const PASSWORD = 'correct horse battery';
const ME_ID = documentHash(MeDocument)!;
const RAW_ME = '{ me { greeting } }';
const UNKNOWN = 'f'.repeat(64);

interface Sent {
  documentId?: string;
  query?: string;
  extensions?: unknown;
  variables?: unknown;
}

async function started(env: Record<string, string>, onQuery?: () => void) {
  const server = await startTestServer({ env, ...(onQuery && { onQuery }) });
  await server.services.users.createUser({ username: 'jane', password: PASSWORD, scopes: [] }, {});
  const token = server.tokens.issue({ subject: 'jane-id', username: 'jane', scopes: [] }).token;
  const post = (body: Sent | Sent[], headers: Record<string, string> = {}) =>
    server.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
      payload: JSON.stringify(body),
    });
  return { server, token, post };
}

const codeOf = (response: { json: () => unknown }) =>
  (response.json() as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.[0]?.extensions?.code;
const greetingOf = (response: { json: () => unknown }) =>
  (response.json() as { data?: { me?: { greeting?: string } } }).data?.me?.greeting;

describe('TRUSTED_DOCUMENTS=off (production default)', () => {
  let it_: Awaited<ReturnType<typeof started>>;
  beforeAll(async () => {
    it_ = await started({ TRUSTED_DOCUMENTS: 'off' });
  });
  afterAll(() => it_.server.close());

  it('runs raw documents and does not look ids up', async () => {
    expect(greetingOf(await it_.post({ query: RAW_ME }))).toBe('Hey jane');
    const byId = await it_.post({ documentId: ME_ID });
    expect(byId.statusCode).toBe(400);
    expect(byId.body).toContain('must contain a non-empty `query`');
    // An id beside a text is ignored: the text runs.
    expect(greetingOf(await it_.post({ documentId: ME_ID, query: RAW_ME }))).toBe('Hey jane');
  });
});

describe('TRUSTED_DOCUMENTS=allow (development default)', () => {
  let it_: Awaited<ReturnType<typeof started>>;
  beforeAll(async () => {
    it_ = await started({});
  });
  afterAll(() => it_.server.close());

  it('runs a known id without its text, by documentId or by APQ hash', async () => {
    expect(greetingOf(await it_.post({ documentId: ME_ID }))).toBe('Hey jane');
    expect(greetingOf(await it_.post({ documentId: `sha256:${ME_ID}` }))).toBe('Hey jane');
    const apq = { extensions: { persistedQuery: { version: 1, sha256Hash: ME_ID } } };
    expect(greetingOf(await it_.post(apq))).toBe('Hey jane');
  });

  it('runs the manifest’s document for a known id, whatever text comes with it', async () => {
    const response = await it_.post({ documentId: ME_ID, query: '{ permissions { operation } }' });
    expect(greetingOf(response)).toBe('Hey jane');
  });

  it('still runs anything else: raw documents, unknown ids with their text, APQ registration', async () => {
    expect(greetingOf(await it_.post({ query: RAW_ME }))).toBe('Hey jane');
    expect(greetingOf(await it_.post({ documentId: UNKNOWN, query: RAW_ME }))).toBe('Hey jane');
    const unknown = await it_.post({ documentId: UNKNOWN });
    expect([unknown.statusCode, codeOf(unknown)]).toEqual([400, 'PERSISTED_QUERY_NOT_FOUND']);
  });
});

describe('TRUSTED_DOCUMENTS=only', () => {
  let it_: Awaited<ReturnType<typeof started>>;
  let queries = 0;
  beforeAll(async () => {
    it_ = await started({ TRUSTED_DOCUMENTS: 'only', GRAPHQL_BATCH_LIMIT: '3' }, () => (queries += 1));
  });
  afterAll(() => it_.server.close());

  it('answers known ids', async () => {
    expect(greetingOf(await it_.post({ documentId: ME_ID }))).toBe('Hey jane');
  });

  it.each([
    ['a raw document', { query: RAW_ME }],
    ['an unknown id', { documentId: UNKNOWN }],
    ['an unknown id with its text', { documentId: UNKNOWN, query: RAW_ME }],
    [
      'an unknown APQ hash with its text',
      { query: RAW_ME, extensions: { persistedQuery: { version: 1, sha256Hash: UNKNOWN } } },
    ],
  ])('refuses %s with 400 PERSISTED_QUERY_NOT_ALLOWED, before anything runs', async (_case, body) => {
    const logged = it_.server.logs.length;
    const response = await it_.post(body);
    expect([response.statusCode, codeOf(response)]).toEqual([400, 'PERSISTED_QUERY_NOT_ALLOWED']);
    expect(response.headers['x-request-id']).toBeDefined();
    const lines = it_.server.logs.slice(logged).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'document refused',
        trustedDocuments: { mode: 'only', refused: 'PERSISTED_QUERY_NOT_ALLOWED' },
      }),
    ]);
  });

  it('never lets a refused document reach a resolver', async () => {
    const before = queries;
    const login = `mutation { login(username: "jane", password: "${PASSWORD}") { accessToken } }`;
    expect((await it_.post({ query: login })).statusCode).toBe(400);
    expect(queries).toBe(before);
    expect((await it_.server.services.auditLog.page({ type: 'login.succeeded' })).events).toEqual([]);
  });

  it('refuses a batch holding one raw document, and runs one of known ids', async () => {
    const mixed = await it_.post([{ documentId: ME_ID }, { query: RAW_ME }]);
    expect([mixed.statusCode, codeOf(mixed)]).toEqual([400, 'PERSISTED_QUERY_NOT_ALLOWED']);
    const known = await it_.post([{ documentId: ME_ID }, { documentId: ME_ID }]);
    expect(known.json<unknown[]>().map((result) => greetingOf({ json: () => result }))).toEqual([
      'Hey jane',
      'Hey jane',
    ]);
  });

  it('answers GET with an id for a query, and refuses a mutation over GET', async () => {
    const get = (documentId: string) =>
      it_.server.app.inject({
        method: 'GET',
        url: `/graphql?documentId=${documentId}`,
        headers: { authorization: `Bearer ${it_.token}`, 'apollo-require-preflight': 'true' },
      });
    expect(greetingOf(await get(ME_ID))).toBe('Hey jane');
    const mutation = await get(documentHash(RevokeAllSessionsDocument)!);
    expect(mutation.statusCode).toBe(405);
    expect(greetingOf(await get(UNKNOWN))).toBeUndefined();
  });

  it('lets introspection through while INTROSPECTION is on, unless told not to', async () => {
    const introspection = { query: '{ __schema { queryType { name } } }' };
    expect((await it_.post(introspection)).statusCode).toBe(200);
    // An introspection field beside a real one is not introspection.
    expect((await it_.post({ query: '{ __typename me { greeting } }' })).statusCode).toBe(400);
    const strict = await started({ TRUSTED_DOCUMENTS: 'only', TRUSTED_DOCUMENTS_INTROSPECTION: 'false' });
    try {
      expect(codeOf(await strict.post(introspection))).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    } finally {
      await strict.server.close();
    }
  });

  it('keeps the abuse limits for trusted documents', async () => {
    const shallow = await started({ TRUSTED_DOCUMENTS: 'only', GRAPHQL_MAX_DEPTH: '1' });
    try {
      const response = await shallow.post({ documentId: ME_ID });
      expect([response.statusCode, codeOf(response)]).toEqual([400, 'QUERY_LIMIT_EXCEEDED']);
    } finally {
      await shallow.server.close();
    }
  });
});

describe('manifests in configuration', () => {
  const folder = mkdtempSync(join(tmpdir(), 'manifests-'));
  const file = (name: string, content: string) => {
    const path = join(folder, name);
    writeFileSync(path, content);
    return path;
  };

  it('loads several, in both formats, and runs what each lists', async () => {
    const text = 'query Hello { me { greeting } }';
    const { createHash } = await import('node:crypto');
    const id = createHash('sha256').update(text).digest('hex');
    const apollo = file(
      'ios-2.1.json',
      JSON.stringify({
        format: 'apollo-persisted-query-manifest',
        version: 1,
        operations: [{ id, body: text, name: 'Hello', type: 'query' }],
      }),
    );
    const web = file('web.json', JSON.stringify({ 'web-hello-1': text }));
    const { server, post } = await started({
      TRUSTED_DOCUMENTS: 'only',
      TRUSTED_DOCUMENTS_MANIFESTS: `${apollo},${web}`,
    });
    try {
      expect(greetingOf(await post({ documentId: id }))).toBe('Hey jane');
      expect(greetingOf(await post({ documentId: 'web-hello-1' }))).toBe('Hey jane');
      // Only the named manifests: the SDK's own ids are not known here.
      expect(codeOf(await post({ documentId: ME_ID }))).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    } finally {
      await server.close();
    }
  });

  it.each([
    ['a missing file', () => join(folder, 'missing.json'), /missing\.json: cannot be read \(ENOENT\)/],
    ['a file that is not JSON', () => file('broken.json', '{"a": '), /broken\.json: not JSON/],
    [
      'an id that cannot be sent',
      () => file('spaces.json', JSON.stringify({ 'an id <with> spaces': '{ me { id } }' })),
      /spaces\.json: "an id <with> spaces" is not a usable id/,
    ],
    [
      'a document that is not text',
      () => file('object.json', JSON.stringify({ 'doc-1': { query: '{ me { id } }' } })),
      /object\.json: doc-1: the document must be a string/,
    ],
    [
      'an id that is not its document’s hash',
      () => file('forged.json', JSON.stringify({ [ME_ID]: '{ users { nodes { username } } }' })),
      /forged\.json: [0-9a-f]{64}: the id is not the SHA-256 of its document/,
    ],
    [
      'a document that does not parse',
      () => file('bad.json', JSON.stringify({ bad: 'query {' })),
      /bad\.json: bad: the document does not parse/,
    ],
    [
      'an unknown format',
      () => file('odd.json', JSON.stringify({ format: 'other', operations: [] })),
      /odd\.json: an unknown format/,
    ],
  ])('stops startup with a clear message on %s', async (_case, path, message) => {
    await expect(
      startTestServer({ env: { TRUSTED_DOCUMENTS: 'only', TRUSTED_DOCUMENTS_MANIFESTS: path() } }),
    ).rejects.toThrow(message);
  });

  it('refuses one id given two documents by two manifests', async () => {
    const one = file('one.json', JSON.stringify({ shared: '{ me { greeting } }' }));
    const two = file('two.json', JSON.stringify({ shared: '{ me { id } }' }));
    await expect(
      startTestServer({ env: { TRUSTED_DOCUMENTS: 'allow', TRUSTED_DOCUMENTS_MANIFESTS: `${one},${two}` } }),
    ).rejects.toThrow(/two\.json: shared: another manifest gives this id another document/);
  });
});

describe('the client kit against TRUSTED_DOCUMENTS=only', () => {
  it('logs in, calls me and refreshes after an expiry, sending ids only', async () => {
    const clock = manualClock(Math.floor(Date.now() / 1000));
    const server = await startTestServer({
      clock,
      env: { TRUSTED_DOCUMENTS: 'only', JWT_CLOCK_TOLERANCE: '0' },
    });
    try {
      await server.services.users.createUser({ username: 'jane', password: PASSWORD, scopes: [] }, {});
      const url = `${await server.app.listen({ host: '127.0.0.1', port: 0 })}/graphql`;
      const bodies: Sent[] = [];
      const recording: typeof fetch = async (input, init) => {
        bodies.push(JSON.parse(init?.body as string) as Sent);
        return fetch(input, init);
      };
      const session = new AuthSession({ url, fetch: recording });
      const client = new ApolloClient({
        link: ApolloLink.from([
          createPersistedDocumentLink(),
          createAuthLink(session),
          new HttpLink({ uri: url, fetch: recording }),
        ]),
        cache: new InMemoryCache(),
      });
      const { data } = await client.mutate({
        mutation: LoginDocument,
        variables: { username: 'jane', password: PASSWORD },
      });
      await session.signIn(data!.login!);
      clock.advance(16 * 60);
      const me = await client.query({ query: MeDocument, fetchPolicy: 'network-only' });
      expect(me.data?.me.greeting).toBe('Hey jane');
      const transport = bodies.filter((body) => body.documentId === undefined);
      // Apollo's protocol: the hash alone, never the text (the server knows every generated document).
      expect(transport.every((body) => body.query === undefined)).toBe(true);
      expect(transport.length).toBeGreaterThanOrEqual(3);
      expect(bodies.filter((body) => body.documentId !== undefined)).toHaveLength(1); // the one refresh
    } finally {
      await server.close();
    }
  });
});

describe('subscribe messages under TRUSTED_DOCUMENTS=only', () => {
  it('runs a known id and refuses a raw subscription', async () => {
    const server = await startTestServer({ env: { TRUSTED_DOCUMENTS: 'only' } });
    const url = (await server.app.listen({ host: '127.0.0.1', port: 0 })).replace('http', 'ws');
    const token = server.tokens.issue({ subject: 'jane-id', username: 'jane', scopes: [] }).token;
    const client = createClient({
      url: `${url}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { Authorization: `Bearer ${token}` },
    });
    const first = (payload: SubscribePayload) =>
      new Promise<unknown>((resolve) => {
        const stop = client.subscribe(payload, {
          next: (result) => {
            stop();
            resolve(result);
          },
          error: (error) => resolve({ errors: error }),
          complete: () => resolve('complete'),
        });
      });
    try {
      const raw = await first({ query: 'subscription { viewerEvents { type } }' });
      expect(raw).toMatchObject({ errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_ALLOWED' } }] });
      const text = print(ViewerEventsDocument);
      const known = first({
        query: text,
        extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(ViewerEventsDocument)! } },
      });
      // Refusals come at once (as above); the known one is accepted and stays open, waiting for events.
      const outcome = await Promise.race([
        known,
        new Promise((resolve) => setTimeout(() => resolve('open'), 500)),
      ]);
      expect(outcome).toBe('open');
    } finally {
      await client.dispose();
      await server.close();
    }
  });
});

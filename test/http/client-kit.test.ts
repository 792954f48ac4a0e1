import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { createAuthLink } from '../../clients/typescript/src/apollo';
import {
  AuthSession,
  createAuthFetch,
  LoginDocument,
  LogoutDocument,
  MeDocument,
  RefreshTokenDocument,
  type SignOutReason,
} from '../../clients/typescript/src/index';
import { print } from 'graphql';
import { manualClock } from '../fixtures/clock';
import { startTestServer, type TestServer } from '../helpers/server';

const PASSWORD = 'correct horse battery';
const CONCURRENT = 20;
const METRICS_TOKEN = 'metrics-token-0123456789abcdefghijklmnop';
const APP = { name: 'kit-web', version: '1.2.0' };

/** What the client sent: each request's operation and whether it carried a token. */
interface Sent {
  readonly operationName: string | undefined;
  readonly authorization: string | null;
}

/** A fetch that records what it sends, for the session and for the transport alike. */
function recordingFetch(sent: Sent[]): typeof fetch {
  return async (input, init) => {
    const body = JSON.parse(init?.body as string) as { operationName?: string };
    sent.push({
      operationName: body.operationName,
      authorization: new Headers(init?.headers).get('authorization'),
    });
    return fetch(input, init);
  };
}

describe('the client kit against the live API', () => {
  const clock = manualClock(Math.floor(Date.now() / 1000));
  let server: TestServer;
  let url: string;

  beforeAll(async () => {
    // Expiry is forced with the server's clock: JWT_TTL is 15 minutes, and the clock jumps past it.
    server = await startTestServer({
      clock,
      env: {
        JWT_CLOCK_TOLERANCE: '0',
        REFRESH_REUSE_GRACE: '0',
        METRICS_TOKEN,
        METRICS_CLIENTS: `${APP.name}@${APP.version}`,
      },
    });
    url = `${await server.app.listen({ host: '127.0.0.1', port: 0 })}/graphql`;
    await server.services.users.createUser({ username: 'jane', password: PASSWORD, scopes: [] }, {});
  });
  afterAll(() => server.close());

  function apolloClient(onSignOut: (reason: SignOutReason) => void = () => undefined) {
    const sent: Sent[] = [];
    const session = new AuthSession({ url, onSignOut, fetch: recordingFetch(sent) });
    const client = new ApolloClient({
      link: ApolloLink.from([
        createAuthLink(session),
        new HttpLink({ uri: url, fetch: recordingFetch(sent) }),
      ]),
      cache: new InMemoryCache(),
      // Identical queries in flight would otherwise share one request: the test wants twenty on the wire.
      queryDeduplication: false,
      defaultOptions: { query: { fetchPolicy: 'network-only' } },
    });
    return { client, session, sent };
  }

  const login = async (client: ApolloClient, session: AuthSession) => {
    const { data } = await client.mutate({
      mutation: LoginDocument,
      variables: { username: 'jane', password: PASSWORD },
    });
    await session.signIn(data!.login!);
    return data!.login!;
  };

  it('logs in without a token, then sends the token with every other operation', async () => {
    const { client, session, sent } = apolloClient();
    await session.signIn({ accessToken: 'stale.token.here', refreshToken: 'unused' });
    await login(client, session);
    const { data } = await client.query({ query: MeDocument });
    expect(data?.me.greeting).toBe('Hey jane');
    expect(
      sent.map((request) => [request.operationName, request.authorization?.split(' ')[0] ?? null]),
    ).toEqual([
      ['Login', null],
      ['Me', 'Bearer'],
    ]);
  });

  it(`refreshes once when ${CONCURRENT} operations find the token expired together, and retries them all`, async () => {
    const { client, session, sent } = apolloClient();
    const first = await login(client, session);
    clock.advance(16 * 60);
    const results = await Promise.all(
      Array.from({ length: CONCURRENT }, () => client.query({ query: MeDocument, fetchPolicy: 'no-cache' })),
    );
    expect(results.map((result) => result.data?.me.greeting)).toEqual(Array(CONCURRENT).fill('Hey jane'));
    const refreshes = sent.filter((request) => request.operationName === 'RefreshToken');
    expect(refreshes).toEqual([{ operationName: 'RefreshToken', authorization: null }]);
    // Each operation: once with the expired token, once with the new one.
    const mes = sent.filter((request) => request.operationName === 'Me');
    expect(mes).toHaveLength(2 * CONCURRENT);
    expect(new Set(mes.map((request) => request.authorization)).size).toBe(2);
    expect(await session.accessToken()).not.toBe(first.accessToken);
  });

  it('ends the session when the refresh token was used elsewhere (reuse), and passes on the 401', async () => {
    const signOuts: SignOutReason[] = [];
    const { client, session } = apolloClient((reason) => signOuts.push(reason));
    const tokens = await login(client, session);
    // A thief (or a second tab) rotates the refresh token first.
    await client.mutate({ mutation: RefreshTokenDocument, variables: { refreshToken: tokens.refreshToken } });
    clock.advance(16 * 60);
    await expect(client.query({ query: MeDocument })).rejects.toMatchObject({
      errors: [expect.objectContaining({ extensions: expect.objectContaining({ reason: 'TOKEN_EXPIRED' }) })],
    });
    expect(signOuts).toEqual(['REFRESH_TOKEN_REUSED']);
    expect(await session.accessToken()).toBeUndefined();
  });

  it('ends the session when the refresh token no longer works (logged out)', async () => {
    const signOuts: SignOutReason[] = [];
    const { client, session } = apolloClient((reason) => signOuts.push(reason));
    const tokens = await login(client, session);
    await client.mutate({ mutation: LogoutDocument, variables: { refreshToken: tokens.refreshToken } });
    clock.advance(16 * 60);
    await expect(client.query({ query: MeDocument })).rejects.toBeDefined();
    expect(signOuts).toEqual(['REFRESH_TOKEN_INVALID']);
  });

  it(`gives plain fetch the same: one refresh for ${CONCURRENT} expired requests`, async () => {
    const sent: Sent[] = [];
    const session = new AuthSession({ url, fetch: recordingFetch(sent) });
    const authFetch = createAuthFetch(session, recordingFetch(sent));
    const post = (operationName: string, query: string, variables = {}) =>
      authFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ operationName, query, variables }),
      });
    const loggedIn = (await (
      await post(
        'SignIn',
        'mutation SignIn($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken refreshToken } }',
        {
          u: 'jane',
          p: PASSWORD,
        },
      )
    ).json()) as { data: { login: { accessToken: string; refreshToken: string } } };
    await session.signIn(loggedIn.data.login);
    clock.advance(16 * 60);
    const responses = await Promise.all(
      Array.from({ length: CONCURRENT }, () => post('Greeting', 'query Greeting { me { greeting } }')),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(CONCURRENT).fill(200));
    expect(sent.filter((request) => request.operationName === 'RefreshToken')).toHaveLength(1);
    expect(sent[0]).toEqual({ operationName: 'SignIn', authorization: null });
  });

  it('names the app on every request, refreshes included, when the app gives its name', async () => {
    const session = new AuthSession({ url, client: APP });
    const client = new ApolloClient({
      link: ApolloLink.from([createAuthLink(session), new HttpLink({ uri: url })]),
      cache: new InMemoryCache(),
      clientAwareness: session.client,
      defaultOptions: { query: { fetchPolicy: 'network-only' } },
    });
    const authFetch = createAuthFetch(session);
    const series = async (operation: string) => {
      const response = await fetch(url.replace('/graphql', '/metrics'), {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      const line = new RegExp(
        `^graphql_request_duration_seconds_count\\{operation="${operation}",client_name="${APP.name}",client_version="${APP.version}",outcome="ok"\\} (\\d+)$`,
        'm',
      ).exec(await response.text());
      return Number(line?.[1] ?? 0);
    };
    const before = {
      Login: await series('Login'),
      Me: await series('Me'),
      RefreshToken: await series('RefreshToken'),
    };
    const { data } = await client.mutate({
      mutation: LoginDocument,
      variables: { username: 'jane', password: PASSWORD },
    });
    await session.signIn(data!.login!);
    clock.advance(16 * 60);
    expect((await client.query({ query: MeDocument })).data?.me.greeting).toBe('Hey jane');
    const me = await authFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: print(MeDocument), operationName: 'Me' }),
    });
    expect(me.status).toBe(200);
    expect({
      Login: (await series('Login')) - before.Login,
      Me: (await series('Me')) - before.Me,
      RefreshToken: (await series('RefreshToken')) - before.RefreshToken,
    }).toEqual({ Login: 1, Me: 2, RefreshToken: 1 });
  });

  it('keeps the session when the refresh cannot reach the API, and says so', async () => {
    const signOuts: SignOutReason[] = [];
    const session = new AuthSession({
      url: 'http://127.0.0.1:1/graphql',
      onSignOut: (reason) => signOuts.push(reason),
    });
    await session.signIn({ accessToken: 'a', refreshToken: 'r' });
    await expect(session.refresh('a')).rejects.toThrow('The token refresh did not reach the API.');
    expect(signOuts).toEqual([]);
    expect(await session.accessToken()).toBe('a');
  });
});

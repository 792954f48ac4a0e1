import { MeDocument } from '../../clients/typescript/src/index';
import { manualClock } from '../fixtures/clock';
import { execute, startTestServer, type TestServer } from '../helpers/server';

describe('me over HTTP', () => {
  const clock = manualClock(Math.floor(Date.now() / 1000));
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ clock });
  });
  afterAll(() => server.close());

  it('greets the bearer by the username in the token', async () => {
    const { token, expiresAt } = server.tokens.issue({ subject: '4', username: 'Jane', scopes: ['admin'] });
    const response = await execute(server.app, MeDocument, {}, { token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      data: {
        me: {
          __typename: 'Viewer',
          id: '4',
          username: 'Jane',
          scopes: ['admin'],
          greeting: 'Hey Jane',
          tokenExpiresAt: expiresAt.toISOString(),
        },
      },
    });
  });

  it('needs a token: 401 with the plain Bearer challenge and AUTHENTICATION_REQUIRED', async () => {
    const response = await execute(server.app, MeDocument);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="graphql-jwt-api"');
    expect(response.body.data).toBeNull();
    expect(response.body.errors).toEqual([
      expect.objectContaining({
        path: ['me'],
        extensions: { code: 'UNAUTHENTICATED', reason: 'AUTHENTICATION_REQUIRED' },
      }),
    ]);
  });

  it('tells an expired token apart so clients know to refresh', async () => {
    const { token } = server.tokens.issue({ subject: '4', username: 'Jane', scopes: [], ttlSeconds: 60 });
    clock.advance(120);
    const response = await execute(server.app, MeDocument, {}, { token });
    clock.advance(-120);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="graphql-jwt-api", error="invalid_token", error_description="The access token has expired."',
    );
    expect(response.body.errors).toEqual([
      {
        message: 'The access token has expired.',
        extensions: { code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' },
      },
    ]);
  });
});

import { startTestServer, type TestServer } from '../helpers/server';

describe('the explorer pages, asked for from another origin', () => {
  let server: TestServer;

  beforeAll(async () => {
    // Development: introspection, the pages, a token prefilled per load, and CORS open to any origin.
    server = await startTestServer({ env: { NODE_ENV: 'development', SANDBOX_TOKEN: 'true' } });
  });
  afterAll(() => server.close());

  const page = (url: string) =>
    server.app.inject({
      method: 'GET',
      url,
      headers: { accept: 'text/html', origin: 'https://evil.example', 'sec-fetch-mode': 'cors' },
    });

  it.each([['/graphql'], ['/graphiql']])(
    '%s carries its token without CORS headers, uncacheable, under a Content-Security-Policy',
    async (url) => {
      const response = await page(url);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.body).toContain('Bearer ');
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
      expect(response.headers['access-control-allow-credentials']).toBeUndefined();
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    },
  );

  it('keeps CORS for the API itself, as CORS_ORIGINS says', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', origin: 'https://app.example' },
      payload: JSON.stringify({ query: '{ permissions { operation } }' }),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe('https://app.example');
  });
});

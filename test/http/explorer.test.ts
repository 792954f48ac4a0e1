import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server';

const CHROMIUM = '/usr/bin/chromium';
/** Set by test/global-setup.ts: Debian's Chromium is there (CI installs it; elsewhere it may be missing). */
const BROWSER = process.env.TEST_CHROMIUM_AVAILABLE === '1';
/** Where the screenshot goes: the test output, not the repository (git-ignored). */
const OUTPUT = join(__dirname, '..', '..', 'test-output');

describe('the self-hosted explorer over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('serves GraphiQL with a fresh development token, its own assets only, and a strict policy', async () => {
    const page = await server.app.inject({ method: 'GET', url: '/graphiql' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self';/);
    expect(page.body).not.toMatch(/https?:\/\//);
    const config = JSON.parse(
      /<script id="explorer-config" type="application\/json">(.*?)<\/script>/.exec(page.body)![1]!,
    ) as {
      headers: string;
    };
    const { Authorization } = JSON.parse(config.headers) as { Authorization: string };
    const identity = await server.tokens.verify(Authorization.replace('Bearer ', ''));
    expect([identity.username, identity.scopes]).toEqual(['sandbox', []]);
    const again = await server.app.inject({ method: 'GET', url: '/graphiql' });
    expect(again.body).not.toContain(Authorization);

    for (const asset of [...page.body.matchAll(/(?:src|href)="(graphiql\/assets\/[^"]+)"/g)].map(
      (m) => m[1]!,
    )) {
      const response = await server.app.inject({ method: 'GET', url: `/${asset}` });
      expect([asset, response.statusCode]).toEqual([asset, 200]);
      expect(response.headers['content-type']).toMatch(/^text\/(javascript|css)/);
    }
    expect(
      (await server.app.inject({ method: 'GET', url: '/graphiql/assets/..%2Fpackage.json' })).statusCode,
    ).toBe(404);
  });

  it('puts the fallback to GraphiQL on the Sandbox page', async () => {
    const page = await server.app.inject({
      method: 'GET',
      url: '/graphql',
      headers: { accept: 'text/html' },
    });
    expect(page.body).toContain('embeddable-sandbox.cdn.apollographql.com');
    expect(page.body).toContain('<script src="graphiql/assets/sandbox-fallback.js"></script>\n</body>');
  });

  it('serves GraphiQL at /graphql too with EXPLORER=graphiql, and no explorer at all without introspection', async () => {
    const graphiql = await startTestServer({ env: { EXPLORER: 'graphiql' } });
    const closed = await startTestServer({ env: { INTROSPECTION: 'false' } });
    try {
      const page = await graphiql.app.inject({
        method: 'GET',
        url: '/graphql',
        headers: { accept: 'text/html' },
      });
      expect(page.body).toContain('<title>GraphiQL · graphql-jwt-api</title>');
      for (const url of ['/graphiql', '/graphiql/assets/graphiql.min.js']) {
        expect((await closed.app.inject({ method: 'GET', url })).statusCode).toBe(404);
      }
    } finally {
      await Promise.all([graphiql.close(), closed.close()]);
    }
  });
});

(BROWSER ? describe : describe.skip)('the explorer in a real browser (Debian Chromium)', () => {
  let server: TestServer;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer();
    url = await server.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // This machine has no internet: without these Chromium keeps trying Google's services.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A page that fails the test on any script error or refused resource (the CSP would refuse one). */
  async function openPage(): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    return { page, problems };
  }

  async function runMe(page: Page): Promise<string> {
    await page.locator('.graphiql-execute-button').click();
    const response = page.locator('.graphiql-response');
    await response.getByText('Hey sandbox').waitFor({ timeout: 15_000 });
    return response.innerText();
  }

  it('runs { me { greeting } } with the prefilled token and shows "Hey sandbox"', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${url}/graphiql`);
    await page.locator('.graphiql-execute-button').waitFor({ timeout: 15_000 });
    expect(await runMe(page)).toContain('"greeting": "Hey sandbox"');
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, 'explorer.png') });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it("falls back from Apollo Sandbox to GraphiQL when Sandbox's CDN cannot be reached", async () => {
    const { page } = await openPage();
    // Whatever this machine's network allows, Apollo's CDN is unreachable for this page.
    await page.route(/apollographql\.com|googleapis\.com|gstatic\.com/, (route) => route.abort());
    await page.goto(`${url}/graphql`);
    await page.waitForURL(`${url}/graphiql`, { timeout: 15_000 });
    await page.locator('.graphiql-execute-button').waitFor({ timeout: 15_000 });
    expect(await runMe(page)).toContain('Hey sandbox');
    await page.close();
  }, 60_000);
});

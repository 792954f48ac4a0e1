import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type FastifyInstance } from 'fastify';

/*
 * GraphiQL served by this API from npm (graphiql's UMD build on React 18's), with no CDN: the explorer for
 * machines without internet, where Apollo Sandbox cannot load. Paths are relative ("graphiql/assets/…"), so
 * the page also works behind a proxy that mounts the API under a prefix.
 */

export const STARTER_DOCUMENT =
  'query Me {\n  me {\n    id\n    username\n    scopes\n    greeting\n    sessions {\n      id\n      current\n      deviceLabel\n      lastUsedAt\n    }\n  }\n}\n';

/** Starts GraphiQL in #graphiql from the JSON the page carries, so the page needs no inline script. */
const BOOT_SCRIPT = `(function () {
  var config = JSON.parse(document.getElementById('explorer-config').textContent);
  var fetcher = GraphiQL.createFetcher({ url: new URL(config.endpoint, window.location.href).href });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: config.query,
      defaultHeaders: config.headers,
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: 'headers',
    }),
  );
})();
`;

/** On Apollo's Sandbox page, after its CDN script: when that did not load, GraphiQL instead. */
const SANDBOX_FALLBACK = `if (typeof window.EmbeddedSandbox !== 'function') window.location.replace('graphiql');\n`;

const PAGE_STYLE = 'html, body, #graphiql { height: 100%; margin: 0; }\n';

interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

function packageFile(name: string, file: string): Buffer {
  return readFileSync(join(dirname(require.resolve(`${name}/package.json`)), file));
}

/** Read once, when the explorer is registered: about 1.5 MB, and only where introspection is on. */
function loadAssets(): ReadonlyMap<string, Asset> {
  const js = 'text/javascript; charset=utf-8';
  const css = 'text/css; charset=utf-8';
  return new Map<string, Asset>([
    ['react.production.min.js', { body: packageFile('react', 'umd/react.production.min.js'), type: js }],
    [
      'react-dom.production.min.js',
      { body: packageFile('react-dom', 'umd/react-dom.production.min.js'), type: js },
    ],
    ['graphiql.min.js', { body: packageFile('graphiql', 'graphiql.min.js'), type: js }],
    ['graphiql.min.css', { body: packageFile('graphiql', 'graphiql.min.css'), type: css }],
    ['explorer.js', { body: Buffer.from(BOOT_SCRIPT), type: js }],
    ['explorer.css', { body: Buffer.from(PAGE_STYLE), type: css }],
    ['sandbox-fallback.js', { body: Buffer.from(SANDBOX_FALLBACK), type: js }],
  ]);
}

/** JSON safe inside a <script> element: no "</script>" or "<!--" can end it early. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/**
 * The GraphiQL page: `endpoint` relative to the page, `headers` prefilled (JSON text, or empty), the
 * starter query. Its own scripts and styles only (graphiql's styles set some inline).
 */
export function graphiqlPage(options: { readonly endpoint: string; readonly headers: string }): string {
  const config = scriptJson({
    endpoint: options.endpoint,
    headers: options.headers,
    query: STARTER_DOCUMENT,
  });
  const asset = (file: string) => `graphiql/assets/${file}`;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>GraphiQL · graphql-jwt-api</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${asset('graphiql.min.css')}" />
    <link rel="stylesheet" href="${asset('explorer.css')}" />
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script id="explorer-config" type="application/json">${config}</script>
    <script src="${asset('react.production.min.js')}"></script>
    <script src="${asset('react-dom.production.min.js')}"></script>
    <script src="${asset('graphiql.min.js')}"></script>
    <script src="${asset('explorer.js')}"></script>
  </body>
</html>
`;
}

/** GraphiQL's header editor holds JSON text; no headers, no text. */
export const headerText = (headers: Record<string, string>) =>
  Object.keys(headers).length > 0 ? JSON.stringify(headers) : '';

/** Scripts from this origin only; GraphiQL sets inline styles; it talks to this origin only. */
export const GRAPHIQL_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * What every HTML page of the API is sent with, whoever asks: never cached (a page may carry a token minted
 * for that load), not framed, and readable by no other origin, whatever CORS_ORIGINS allows the API itself.
 * Apollo's Sandbox page sets its script policy in a <meta> element (a nonce per page); this header adds
 * what a <meta> cannot, and both apply. The GraphiQL page sets its whole policy itself.
 */
export function htmlPageHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    const type = reply.getHeader('content-type');
    if (typeof type !== 'string' || !type.startsWith('text/html')) return payload;
    for (const name of CORS_RESPONSE_HEADERS) reply.removeHeader(name);
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', PAGE_CSP);
    return payload;
  });
}

const CORS_RESPONSE_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-expose-headers',
];

/** For Apollo's Sandbox page, beside its own <meta> policy: no framing, no base, no form, no plugin. */
const PAGE_CSP = "frame-ancestors 'none'; base-uri 'none'; form-action 'none'; object-src 'none'";

/** Apollo's Sandbox page, with the fallback to GraphiQL for when its CDN cannot be reached. */
export function withGraphiqlFallback(sandboxHtml: string): string {
  const tag = '<script src="graphiql/assets/sandbox-fallback.js"></script>';
  return sandboxHtml.includes('</body>')
    ? sandboxHtml.replace('</body>', `${tag}\n</body>`)
    : `${sandboxHtml}\n${tag}\n`;
}

/**
 * GET /graphiql and its assets. `headers` gives each page load its prefilled headers (a fresh development
 * token, or none).
 */
export function registerExplorer(app: FastifyInstance, headers: () => Record<string, string>): void {
  const assets = loadAssets();
  app.get('/graphiql', async (_request, reply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', GRAPHIQL_CSP)
      // The page may carry a token minted for this load: never cached, never reused.
      .header('cache-control', 'no-store')
      .send(graphiqlPage({ endpoint: 'graphql', headers: headerText(headers()) })),
  );
  app.get<{ Params: { file: string } }>('/graphiql/assets/:file', async (request, reply) => {
    const asset = assets.get(request.params.file);
    if (!asset) return reply.code(404).send({ error: 'not_found' });
    return reply
      .header('content-type', asset.type)
      .header('cache-control', 'public, max-age=3600')
      .send(asset.body);
  });
}

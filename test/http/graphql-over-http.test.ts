import { auditServer } from 'graphql-http';
import { startTestServer, type TestServer } from '../helpers/server';

// The GraphQL-over-HTTP spec's server audits (graphql-http), against the real server on a loopback port.
describe('GraphQL over HTTP compliance', () => {
  let server: TestServer;
  let url: string;
  let results: Awaited<ReturnType<typeof auditServer>>;

  beforeAll(async () => {
    server = await startTestServer();
    const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
    url = `${address}/graphql`;
    results = await auditServer({ url, fetchFn: fetch });
  });
  afterAll(() => server.close());

  it('passes every MUST audit', () => {
    const failed = results.filter((result) => result.name.startsWith('MUST') && result.status !== 'ok');
    expect(failed.map((result) => `${result.name}: ${result.status === 'ok' ? '' : result.reason}`)).toEqual(
      [],
    );
  });

  it('lists the SHOULD audits it does not meet (each explained in docs/clients.md)', () => {
    const unmet = results
      .filter((result) => result.name.startsWith('SHOULD') && result.status !== 'ok')
      .map((result) => result.name);
    expect(unmet).toMatchSnapshot();
  });
});

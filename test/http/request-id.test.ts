import { MeDocument } from '../../clients/typescript/src/index';
import { execute, startTestServer, type TestServer } from '../helpers/server';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// A client's report names its request id; the operator finds the log line by it.
describe('request ids end to end', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { HTTP_BODY_LIMIT: '1024' } });
  });
  afterAll(() => server.close());

  const lineOf = (id: string) => server.logs.find((line) => line.includes(`"reqId":"${id}"`));

  it("keeps a client's well-formed X-Request-Id in the response header and the log line", async () => {
    const response = await execute(server.app, '{ permissions { operation } }', undefined, {
      headers: { 'x-request-id': 'client-req.42:a_b' },
    });
    expect(response.headers['x-request-id']).toBe('client-req.42:a_b');
    expect(JSON.parse(lineOf('client-req.42:a_b')!)).toMatchObject({ graphql: { outcome: 'ok' } });
  });

  it.each([
    ['too long', 'x'.repeat(129)],
    ['with a space', 'a b'],
    ['with quotes and a backslash', 'forged\\"level":50'],
    ['empty', ''],
  ])('replaces one %s with its own', async (_case, sent) => {
    const response = await execute(server.app, '{ permissions { operation } }', undefined, {
      headers: { 'x-request-id': sent },
    });
    expect(response.headers['x-request-id']).toMatch(UUID);
    expect(lineOf(response.headers['x-request-id'] as string)).toBeDefined();
  });

  it('is on refused credentials and on failures outside GraphQL too', async () => {
    const refused = await execute(
      server.app,
      MeDocument,
      {},
      {
        authorization: 'Bearer not.a.token',
        headers: { 'x-request-id': 'refused-1' },
      },
    );
    expect([refused.status, refused.headers['x-request-id']]).toEqual([401, 'refused-1']);
    const tooLarge = await server.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', 'x-request-id': 'large-1' },
      payload: JSON.stringify({ query: `{ permissions { operation } } #${'x'.repeat(2000)}` }),
    });
    expect([tooLarge.statusCode, tooLarge.headers['x-request-id']]).toEqual([413, 'large-1']);
    expect(lineOf('large-1')).toContain('"statusCode":413');
  });
});

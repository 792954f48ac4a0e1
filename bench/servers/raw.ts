import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { announce, EXPECTED, QUERIES } from '../fixtures';

/** (5) The ceiling: node:http answering each benchmark query with its precomputed response. */
function main(): void {
  const responses = new Map<string, string>(
    Object.entries(QUERIES).map(([name, query]) => [query, EXPECTED[name as keyof typeof QUERIES]]),
  );
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      let answer: string | undefined;
      try {
        answer = responses.get((JSON.parse(body) as { query: string }).query);
      } catch {
        answer = undefined;
      }
      response.writeHead(answer ? 200 : 400, { 'content-type': 'application/json' });
      response.end(answer ?? '{"errors":[{"message":"unknown query"}]}');
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    announce(`http://127.0.0.1:${port}/graphql`);
  });
}

main();

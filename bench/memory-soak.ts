import { memoryOf, startServer } from './processes';

/*
 * `npm run bench:memory`: the API as shipped (production mode, servers/api.ts), sent anonymous queries that
 * are all different and each carry a ~95 kB comment (comments are not tokens, so the token limit lets them
 * through). RSS and heap after a forced GC are read every 1 000 requests. Apollo's own document cache did not
 * count the source text and grew without bound; the bounded store holds GRAPHQL_DOCUMENT_CACHE_BYTES. The
 * first half settles (the cache fills, the allocator keeps pages it was given); exits 1 when, over the second
 * half, RSS grows more than 10%, or the heap does from the first block on.
 * SOAK_REQUESTS (5 000) and SOAK_CONNECTIONS (8) tune it.
 */

const REQUESTS = Number(process.env.SOAK_REQUESTS ?? 5000);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 8);
const BLOCK = 1000;
const COMMENT = `#${'x'.repeat(95_000)}\n`;
const MiB = 1024 * 1024;

async function send(url: string, n: number): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `${COMMENT}query Q${n} { __typename }` }),
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`request ${n} answered ${response.status}`);
}

async function main(): Promise<number> {
  const server = await startServer('api');
  try {
    const before = await memoryOf(server.child);
    const rows: string[] = [
      `requests 0: RSS ${(before.rss / MiB).toFixed(1)} MiB, heap ${(before.heapUsed / MiB).toFixed(1)} MiB`,
    ];
    const rss: number[] = [];
    const heap: number[] = [];
    let next = 0;
    for (let block = 1; block * BLOCK <= REQUESTS; block += 1) {
      const end = block * BLOCK;
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async () => {
          while (next < end) await send(server.url, (next += 1));
        }),
      );
      const usage = await memoryOf(server.child);
      rss.push(usage.rss);
      heap.push(usage.heapUsed);
      rows.push(
        `requests ${end}: RSS ${(usage.rss / MiB).toFixed(1)} MiB, heap ${(usage.heapUsed / MiB).toFixed(1)} MiB`,
      );
    }
    const half = Math.floor(rss.length / 2) - 1;
    const rssGrowth = rss.at(-1)! / rss[half]! - 1;
    const heapGrowth = heap.at(-1)! / heap[0]! - 1;
    rows.push(`RSS from request ${(half + 1) * BLOCK} to ${REQUESTS}: ${(rssGrowth * 100).toFixed(1)}%`);
    rows.push(`heap from request ${BLOCK} to ${REQUESTS}: ${(heapGrowth * 100).toFixed(1)}%`);
    process.stdout.write(`${rows.join('\n')}\n`);
    return rssGrowth > 0.1 || heapGrowth > 0.1 ? 1 : 0;
  } finally {
    server.child.kill('SIGKILL');
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

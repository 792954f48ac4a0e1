import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { type AccountsResult, measureAccounts } from './accounts';
import { barChart } from './chart';
import { benchToken, EXPECTED, QUERIES, type QueryName } from './fixtures';
import { type DistinctResult, measureDistinctTokens } from './distinct-tokens';
import { countInstructions, hasCallgrind, type InstructionCount } from './instructions';
import { load, median, request, type Sample } from './load';
import { memoryOf, PINNED, type Running, SENDS_IDS, SERVERS, startServer } from './processes';
import { markdown, type PairedRatio, type Report } from './report';

/*
 * `npm run bench`: starts every server on loopback, checks each returns the right body, warms up, then
 * measures them alternately over several rounds and reports the median of each; then counts instructions
 * per request of (1) and (2) under callgrind, and watches (1)'s memory under a long load. Settings:
 * BENCH_DURATION (s per measurement, default 3), BENCH_ROUNDS (9), BENCH_CONNECTIONS (32),
 * BENCH_MEMORY_SECONDS (60; 0 skips the memory run), BENCH_INSTRUCTIONS (1; 0 skips the count),
 * BENCH_ACCOUNTS (1; 0 skips logins and refreshes with and without the audit trail), BENCH_DISTINCT (1; 0
 * skips the many-users workload), BENCH_SERVERS (a subset such as "api,bare").
 */

const DURATION = Number(process.env.BENCH_DURATION ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const MEMORY_SECONDS = Number(process.env.BENCH_MEMORY_SECONDS ?? 60);
const INSTRUCTIONS = process.env.BENCH_INSTRUCTIONS !== '0';
const ACCOUNTS = process.env.BENCH_ACCOUNTS !== '0';
const DISTINCT = process.env.BENCH_DISTINCT !== '0';
/** A comma-separated subset, for quick comparisons while optimising; the published report needs them all. */
const ONLY = process.env.BENCH_SERVERS?.split(',');
const ROOT = join(__dirname, '..', '..');
const RESULTS = join(ROOT, 'bench', 'results');

/** An error response is not throughput: every server must answer exactly what the others answer. */
async function checkCorrect(server: Running, token: string): Promise<void> {
  for (const [name, query] of Object.entries(QUERIES) as [QueryName, string][]) {
    const response = await fetch(server.url, request(token, query, SENDS_IDS.has(server.name)));
    const body = JSON.stringify(await response.json());
    if (response.status !== 200 || body !== EXPECTED[name]) {
      throw new Error(`${server.name} answered ${name} with ${response.status} ${body.slice(0, 200)}`);
    }
  }
}

function versions(): Record<string, string> {
  const read = (name: string) =>
    (
      JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  const packages = [
    '@apollo/server',
    'fastify',
    'graphql',
    'graphql-shield',
    'njwt',
    'graphql-yoga',
    'jsonwebtoken',
    'autocannon',
  ];
  return { node: process.version, ...Object.fromEntries(packages.map((name) => [name, read(name)])) };
}

/** `server`/`over` on one query, per round (the two ran back to back) and the median of those. */
function pairedRatio(
  samples: Map<string, Sample[]>,
  query: QueryName,
  server = 'api',
  over = 'bare',
): PairedRatio {
  const numerator = samples.get(`${server}/${query}`) ?? [];
  const denominator = samples.get(`${over}/${query}`) ?? [];
  if (numerator.length !== denominator.length) return { median: Number.NaN, rounds: [] };
  const rounds = numerator.map(
    (sample, index) => sample.requestsPerSecond / denominator[index]!.requestsPerSecond,
  );
  return { median: rounds.length > 0 ? median(rounds) : Number.NaN, rounds };
}

async function measureThroughput(token: string): Promise<{
  rows: Report['rows'];
  samples: Map<string, Sample[]>;
  memory: Record<string, number> | undefined;
}> {
  const chosen = SERVERS.filter(([name]) => !ONLY || ONLY.includes(name));
  const running = await Promise.all(chosen.map(([name]) => startServer(name)));
  try {
    for (const server of running) await checkCorrect(server, token);
    process.stderr.write(`all ${running.length} servers answer correctly; warming up\n`);
    for (const server of running)
      for (const query of Object.values(QUERIES))
        await load(server.url, token, query, {
          connections: CONNECTIONS,
          seconds: 2,
          byId: SENDS_IDS.has(server.name),
        });

    const samples = new Map<string, Sample[]>();
    for (let round = 1; round <= ROUNDS; round += 1) {
      for (const [queryName, query] of Object.entries(QUERIES)) {
        // Alternating order per round, so no server always runs on a warmer or cooler machine; (1) and (2)
        // are neighbours either way, so each round gives a ratio of two samples taken back to back.
        const order = round % 2 === 0 ? [...running].reverse() : running;
        for (const server of order) {
          const sample = await load(server.url, token, query, {
            connections: CONNECTIONS,
            seconds: DURATION,
            byId: SENDS_IDS.has(server.name),
          });
          const key = `${server.name}/${queryName}`;
          samples.set(key, [...(samples.get(key) ?? []), sample]);
          process.stderr.write(`round ${round} ${key}: ${Math.round(sample.requestsPerSecond)} req/s\n`);
        }
      }
    }
    const rows = chosen.flatMap(([name, label]) =>
      (Object.keys(QUERIES) as QueryName[]).map((query) => {
        const list = samples.get(`${name}/${query}`)!;
        return {
          server: name,
          label,
          query,
          requestsPerSecond: Math.round(median(list.map((sample) => sample.requestsPerSecond))),
          p50: median(list.map((sample) => sample.p50)),
          p99: median(list.map((sample) => sample.p99)),
        };
      }),
    );

    let memory: Record<string, number> | undefined;
    const api = running.find((server) => server.name === 'api');
    if (MEMORY_SECONDS > 0 && api) {
      await load(api.url, token, QUERIES.me, { connections: CONNECTIONS, seconds: 10 });
      const warm = await memoryOf(api.child);
      await load(api.url, token, QUERIES.me, { connections: CONNECTIONS, seconds: MEMORY_SECONDS });
      const after = await memoryOf(api.child);
      memory = {
        seconds: MEMORY_SECONDS,
        rssWarmMiB: warm.rss / 2 ** 20,
        rssAfterMiB: after.rss / 2 ** 20,
        heapWarmMiB: warm.heapUsed / 2 ** 20,
        heapAfterMiB: after.heapUsed / 2 ** 20,
        rssGrowthPercent: ((after.rss - warm.rss) / warm.rss) * 100,
        heapGrowthPercent: ((after.heapUsed - warm.heapUsed) / warm.heapUsed) * 100,
      };
    }
    return { rows, samples, memory };
  } finally {
    for (const server of running) server.child.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  if (PINNED) execFileSync('taskset', ['-pc', '1', String(process.pid)], { stdio: 'ignore' });
  const token = benchToken();
  const { rows, samples, memory } = await measureThroughput(token);

  // After the throughput runs, with their servers gone: a server under valgrind would slow the others.
  let instructions: InstructionCount[] | undefined;
  const counted = (
    [
      'api',
      'bare',
      'api-revoked',
      'api-metrics',
      'api-traced',
      'api-traced-ratio',
      'api-trusted',
      'api-graphos',
      'api-graphos-sampled',
    ] as const
  ).filter((name) => !ONLY || ONLY.includes(name));
  if (INSTRUCTIONS && counted.length > 0) {
    if (hasCallgrind()) {
      if (PINNED) execFileSync('taskset', ['-pc', '0,1', String(process.pid)], { stdio: 'ignore' });
      instructions = await countInstructions(counted, token, 'me', QUERIES.me, {
        warmupRequests: 10_000,
        blockRequests: 1000,
        window: 7,
        tolerance: 0.05,
        maxBlocks: 30,
      });
    } else process.stderr.write('valgrind is not installed: no instruction count\n');
  }

  let distinct: DistinctResult | undefined;
  if (DISTINCT && (!ONLY || ONLY.includes('distinct'))) {
    distinct = await measureDistinctTokens({
      // All the rounds: a 10% target needs them (distinct-tokens.ts).
      rounds: ROUNDS,
      seconds: DURATION,
      connections: 20,
    });
  }

  let accounts: AccountsResult | undefined;
  if (ACCOUNTS && (!ONLY || ONLY.includes('api-no-audit'))) {
    accounts = await measureAccounts({
      rounds: Math.max(3, Math.ceil(ROUNDS / 2)),
      seconds: DURATION,
      concurrency: 8,
    });
  }

  const rps = (server: string, query: string) =>
    rows.find((row) => row.server === server && row.query === query)?.requestsPerSecond ?? Number.NaN;
  const report: Report = {
    date: new Date().toISOString(),
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      pinned: PINNED,
    },
    versions: versions(),
    settings: { durationSeconds: DURATION, rounds: ROUNDS, connections: CONNECTIONS },
    rows,
    ratios: {
      me: pairedRatio(samples, 'me'),
      list: pairedRatio(samples, 'list'),
      meVsStandalone: rps('api', 'me') / rps('standalone', 'me'),
      meVsStandaloneKeyObject: rps('api', 'me') / rps('standalone-key-object', 'me'),
      meVsYoga: rps('api', 'me') / rps('yoga', 'me'),
      meRevoked: pairedRatio(samples, 'me', 'api-revoked', 'api'),
      meMetrics: pairedRatio(samples, 'me', 'api-metrics', 'api'),
      meTraced: pairedRatio(samples, 'me', 'api-traced', 'api'),
      meTracedRatio: pairedRatio(samples, 'me', 'api-traced-ratio', 'api'),
      meTracing: pairedRatio(samples, 'me', 'api-traced', 'api-metrics'),
      meTracingRatio: pairedRatio(samples, 'me', 'api-traced-ratio', 'api-metrics'),
      meTrusted: pairedRatio(samples, 'me', 'api-trusted', 'api'),
      meGraphOS: pairedRatio(samples, 'me', 'api-graphos', 'api'),
      meGraphOSSampled: pairedRatio(samples, 'me', 'api-graphos-sampled', 'api'),
      listGraphOS: pairedRatio(samples, 'list', 'api-graphos', 'api'),
      listGraphOSSampled: pairedRatio(samples, 'list', 'api-graphos-sampled', 'api'),
    },
    instructions,
    memory,
    accounts,
    distinct,
  };
  if (ONLY) {
    process.stdout.write(markdown(report));
    return; // a partial run is for comparing; it does not replace the published results
  }
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(RESULTS, 'latest.md'), markdown(report));
  writeFileSync(join(RESULTS, 'latest.svg'), barChart(rows));
  process.stdout.write(markdown(report));
}

main().catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

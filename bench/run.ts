import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { barChart } from './chart';
import { benchToken, EXPECTED, QUERIES, type QueryName } from './fixtures';

/*
 * `npm run bench`: starts every server on loopback, checks each returns the right body, warms up, then
 * measures them alternately over several rounds and reports the median of each. Settings:
 * BENCH_DURATION (s per measurement, default 5), BENCH_ROUNDS (3), BENCH_CONNECTIONS (32),
 * BENCH_MEMORY_SECONDS (60; 0 skips the memory run), BENCH_SERVERS (a subset such as "api,bare").
 */

const SERVERS = [
  ['api', '(1) this API as shipped'],
  ['bare', '(2) same schema, bare Apollo + fastify, no auth'],
  ['standalone', '(3) Apollo standalone + jsonwebtoken'],
  ['yoga', '(4) graphql-yoga + plugin-jwt + generic-auth'],
  ['raw', '(5) raw node:http, precomputed (ceiling)'],
] as const;
type ServerName = (typeof SERVERS)[number][0];

const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const MEMORY_SECONDS = Number(process.env.BENCH_MEMORY_SECONDS ?? 60);
/** A comma-separated subset, for quick comparisons while optimising; the report needs all five. */
const ONLY = process.env.BENCH_SERVERS?.split(',');
const ROOT = join(__dirname, '..', '..');
const RESULTS = join(ROOT, 'bench', 'results');

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const PINNED = cpus().length >= 2 && hasTaskset();

interface Running {
  readonly name: ServerName;
  readonly url: string;
  readonly child: ChildProcess;
}

function start(name: ServerName): Promise<Running> {
  const script = join(__dirname, 'servers', `${name}.js`);
  const args = ['--expose-gc', script];
  // Servers on core 0, the load generator (this process) on core 1: they do not compete for a core.
  const child = PINNED
    ? spawn('taskset', ['-c', '0', process.execPath, ...args], {
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      })
    : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.startsWith('{"url"'));
      if (line) resolve({ name, url: (JSON.parse(line) as { url: string }).url, child });
    });
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
}

const request = (token: string, query: string) => ({
  method: 'POST' as const,
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  body: JSON.stringify({ query }),
});

/** An error response is not throughput: every server must answer exactly what the others answer. */
async function checkCorrect(server: Running, token: string): Promise<void> {
  for (const [name, query] of Object.entries(QUERIES) as [QueryName, string][]) {
    const response = await fetch(server.url, request(token, query));
    const body = JSON.stringify(await response.json());
    if (response.status !== 200 || body !== EXPECTED[name]) {
      throw new Error(`${server.name} answered ${name} with ${response.status} ${body.slice(0, 200)}`);
    }
  }
}

interface Sample {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
}

async function load(url: string, token: string, query: string, seconds: number): Promise<Sample> {
  const result = await autocannon({
    url,
    ...request(token, query),
    connections: CONNECTIONS,
    duration: seconds,
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { requestsPerSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function memoryOf(child: ChildProcess): Promise<NodeJS.MemoryUsage> {
  return new Promise((resolve) => {
    child.once('message', (usage) => resolve(usage as NodeJS.MemoryUsage));
    child.send('memory');
  });
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

async function main(): Promise<void> {
  if (PINNED) execFileSync('taskset', ['-pc', '1', String(process.pid)], { stdio: 'ignore' });
  const token = benchToken();
  const chosen = SERVERS.filter(([name]) => !ONLY || ONLY.includes(name));
  const running = await Promise.all(chosen.map(([name]) => start(name)));
  try {
    for (const server of running) await checkCorrect(server, token);
    process.stderr.write(`all ${running.length} servers answer correctly; warming up\n`);
    for (const server of running)
      for (const query of Object.values(QUERIES)) await load(server.url, token, query, 2);

    const samples = new Map<string, Sample[]>();
    for (let round = 1; round <= ROUNDS; round += 1) {
      for (const [queryName, query] of Object.entries(QUERIES)) {
        // Alternating order per round, so no server always runs on a warmer or cooler machine.
        const order = round % 2 === 0 ? [...running].reverse() : running;
        for (const server of order) {
          const sample = await load(server.url, token, query, DURATION);
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
    const rps = (server: string, query: string) =>
      rows.find((row) => row.server === server && row.query === query)?.requestsPerSecond ?? Number.NaN;
    const ratios = {
      meVsBare: rps('api', 'me') / rps('bare', 'me'),
      listVsBare: rps('api', 'list') / rps('bare', 'list'),
      meVsStandalone: rps('api', 'me') / rps('standalone', 'me'),
      meVsYoga: rps('api', 'me') / rps('yoga', 'me'),
    };

    let memory: Record<string, number> | undefined;
    if (MEMORY_SECONDS > 0) {
      const api = running.find((server) => server.name === 'api');
      if (!api) throw new Error('the memory run needs the api server');
      await load(api.url, token, QUERIES.me, 10);
      const warm = await memoryOf(api.child);
      await load(api.url, token, QUERIES.me, MEMORY_SECONDS);
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

    const machine = {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      pinned: PINNED,
    };
    const settings = { durationSeconds: DURATION, rounds: ROUNDS, connections: CONNECTIONS };
    const report = {
      date: new Date().toISOString(),
      machine,
      versions: versions(),
      settings,
      rows,
      ratios,
      memory,
    };
    mkdirSync(RESULTS, { recursive: true });
    if (ONLY) {
      process.stdout.write(markdown(report));
      return; // a partial run is for comparing; it does not replace the published results
    }
    writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(RESULTS, 'latest.md'), markdown(report));
    writeFileSync(join(RESULTS, 'latest.svg'), barChart(rows));
    process.stdout.write(markdown(report));
  } finally {
    for (const server of running) server.child.kill('SIGKILL');
  }
}

function markdown(report: {
  date: string;
  machine: { cpu: string; cores: number; memoryGiB: number; pinned: boolean };
  versions: Record<string, string>;
  settings: { durationSeconds: number; rounds: number; connections: number };
  rows: Array<{ label: string; query: string; requestsPerSecond: number; p50: number; p99: number }>;
  ratios: Record<string, number>;
  memory: Record<string, number> | undefined;
}): string {
  const lines = [
    `Measured ${report.date} on ${report.machine.cpu} (${report.machine.cores} cores, ${report.machine.memoryGiB} GiB), ` +
      `${report.machine.pinned ? 'servers pinned to core 0 and the load generator to core 1 (taskset)' : 'not pinned'}; ` +
      `autocannon, ${report.settings.connections} connections, median of ${report.settings.rounds} rounds of ${report.settings.durationSeconds} s.`,
    '',
    `Versions: ${Object.entries(report.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}.`,
    '',
    '| server | query | req/s | p50 ms | p99 ms |',
    '| --- | --- | ---: | ---: | ---: |',
    ...report.rows.map(
      (row) => `| ${row.label} | ${row.query} | ${row.requestsPerSecond} | ${row.p50} | ${row.p99} |`,
    ),
    '',
    `(1)/(2) on me: ${report.ratios.meVsBare!.toFixed(3)}; on list: ${report.ratios.listVsBare!.toFixed(3)}. ` +
      `(1)/(3) on me: ${report.ratios.meVsStandalone!.toFixed(3)}; (1)/(4) on me: ${report.ratios.meVsYoga!.toFixed(3)}.`,
  ];
  if (report.memory) {
    const m = report.memory;
    lines.push(
      '',
      `Memory of (1) after GC, ${m.seconds} s of load on me: RSS ${m.rssWarmMiB!.toFixed(1)} → ${m.rssAfterMiB!.toFixed(1)} MiB ` +
        `(${m.rssGrowthPercent!.toFixed(1)}%), heap ${m.heapWarmMiB!.toFixed(1)} → ${m.heapAfterMiB!.toFixed(1)} MiB (${m.heapGrowthPercent!.toFixed(1)}%).`,
    );
  }
  return `${lines.join('\n')}\n`;
}

main().catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

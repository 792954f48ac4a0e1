import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { load, median } from './load';
import { SENDS_IDS, type ServerName, startServer } from './processes';

/*
 * Instructions per request, counted by valgrind's callgrind: unlike requests per second, the count does not
 * move with what else the machine is doing, so it can resolve the few percent that separate (1) from (2) on
 * `me` where wall-clock throughput on a shared VM cannot (±15% between identical runs). Each server runs
 * under callgrind, takes a warm-up so V8 has compiled its hot paths, then the counters are zeroed and dumped
 * around blocks of requests until the last few agree (`settledCount`): the first blocks after the warm-up
 * ran 30-100% high in every trial, for longer on some runs than on others, and a block that holds a major
 * GC runs high too. No gc() between blocks: a forced full collection throws away V8's optimised
 * code, and the count never settles.
 *
 * V8's memory reducer is off in the counted servers (`--no-memory-reducer`, all of them alike). It decides
 * by the wall clock when a process has gone quiet and then runs memory-reducing full collections; under
 * valgrind a server runs a hundred times slower or more, so it looks quiet while it is under load, and more
 * so the more servers share the cores. Those collections and what they discard cost the requests after
 * them: (1) counted 324-334 thousand instructions on `me` with eight servers at once and 311-314 thousand
 * with the reducer off, bare Apollo 297-300 and 294-296 (docs/performance.md). A server at full speed
 * under load allocates too fast for the reducer to act.
 */
const COUNTED_NODE_FLAGS = ['--no-memory-reducer'];

/**
 * How many times slower a server answers under valgrind than at full speed: about 150 with four servers
 * counted at once, 250 with the full run's nine (5 550 requests a second against about 20).
 */
const VALGRIND_SLOWDOWN = 200;

/*
 * Work a server batches by the wall clock is batched as it would be at full speed: OpenTelemetry's span
 * exporter sends a batch every 5 s or as soon as 128 spans wait, and under valgrind 5 s hold a
 * two-hundredth of the requests. Sampling 1%, it exported about every hundred requests there, a batch of
 * one span, where at full speed a batch of 128 goes out about every 13 000 requests; the HTTP request and
 * encoding of each batch (about a million instructions) then counted ten thousand a request, 3% of `me`
 * (docs/performance.md). Its timer is lengthened by the slowdown, as an operator would set it
 * (OTEL_BSP_SCHEDULE_DELAY), in every counted server alike; a full batch is still sent at once.
 */
const COUNTED_ENV = {
  BENCH_UNDER_VALGRIND: '1',
  OTEL_BSP_SCHEDULE_DELAY: String(5_000 * VALGRIND_SLOWDOWN),
};

const run = promisify(execFile);

export interface InstructionSettings {
  readonly warmupRequests: number;
  readonly blockRequests: number;
  /** The blocks judged together: the last `window` counted. */
  readonly window: number;
  /** The lowest `window - 2` of them must lie within this fraction of their median… */
  readonly tolerance: number;
  /** …before this many blocks have been counted; otherwise the count is reported as unsettled. */
  readonly maxBlocks: number;
}

export interface InstructionCount {
  readonly server: ServerName;
  readonly query: string;
  readonly perRequest: number;
  /** The window the count was taken from. */
  readonly blocks: readonly number[];
  readonly settled: boolean;
}

/**
 * The steady cost per request in the last `window` blocks, if they have settled. A block that holds a major
 * GC or a late compilation only ever runs high, so the two highest are set aside; the rest must agree.
 */
function settledCount(blocks: readonly number[], settings: InstructionSettings): number | undefined {
  if (blocks.length < settings.window) return undefined;
  const steady = [...blocks.slice(-settings.window)].sort((a, b) => a - b).slice(0, settings.window - 2);
  const middle = median(steady);
  return steady.every((block) => Math.abs(block - middle) <= middle * settings.tolerance)
    ? middle
    : undefined;
}

export function hasCallgrind(): boolean {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    execFileSync('callgrind_control', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The `totals:` line of a callgrind dump: every instruction executed between the zero and the dump. */
async function totalOf(file: string): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (existsSync(file)) {
      const match = /^totals: (\d+)/m.exec(readFileSync(file, 'utf8'));
      if (match) return Number(match[1]);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`callgrind wrote no totals to ${file}`);
}

async function countOne(
  name: ServerName,
  token: string,
  queryName: string,
  query: string,
  settings: InstructionSettings,
): Promise<InstructionCount> {
  const dir = mkdtempSync(join(tmpdir(), `bench-callgrind-${name}-`));
  const server = await startServer(name, {
    wrapper: ['valgrind', '--tool=callgrind', `--callgrind-out-file=${join(dir, 'out')}`],
    timeoutMs: 600_000,
    env: COUNTED_ENV,
    nodeFlags: COUNTED_NODE_FLAGS,
  });
  const pid = String(server.child.pid);
  try {
    const byId = SENDS_IDS.has(name);
    await load(server.url, token, query, { connections: 4, amount: settings.warmupRequests, byId });
    const blocks: number[] = [];
    for (let block = 1; block <= settings.maxBlocks; block += 1) {
      await run('callgrind_control', ['--zero', pid]);
      await load(server.url, token, query, { connections: 4, amount: settings.blockRequests, byId });
      await run('callgrind_control', ['--dump', pid]);
      blocks.push((await totalOf(join(dir, `out.${block}`))) / settings.blockRequests);
      process.stderr.write(
        `instructions ${name}/${queryName} block ${block}: ${Math.round(blocks.at(-1)!)}\n`,
      );
      const settled = settledCount(blocks, settings);
      if (settled !== undefined) {
        const window = blocks.slice(-settings.window);
        return {
          server: name,
          query: queryName,
          perRequest: Math.round(settled),
          blocks: window,
          settled: true,
        };
      }
    }
    const window = blocks.slice(-settings.window);
    return {
      server: name,
      query: queryName,
      perRequest: Math.round(median(window)),
      blocks: window,
      settled: false,
    };
  } finally {
    server.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Counts the servers side by side, all at once. Each valgrind runs one thread at a time, so two fit on two
 * cores; the full run's nine share them, which still raises every count by a few percent (about 5% from
 * four servers at once to eight, the eight with the memory reducer off: docs/performance.md): compare
 * counts within one run.
 */
export function countInstructions(
  servers: readonly ServerName[],
  token: string,
  queryName: string,
  query: string,
  settings: InstructionSettings,
): Promise<InstructionCount[]> {
  return Promise.all(servers.map((name) => countOne(name, token, queryName, query, settings)));
}

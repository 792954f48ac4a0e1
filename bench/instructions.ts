import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { load, median } from './load';
import { type ServerName, startServer } from './processes';

/*
 * Instructions per request, counted by valgrind's callgrind: unlike requests per second, the count does not
 * move with what else the machine is doing, so it can resolve the few percent that separate (1) from (2) on
 * `me` where wall-clock throughput on a shared VM cannot (±15% between identical runs). Each server runs
 * under callgrind, takes a warm-up so V8 has compiled its hot paths, then the counters are zeroed and dumped
 * around blocks of requests, and the median block is reported (a block that holds a major GC or a late
 * compilation is an outlier). In every trial the first three blocks ran 30-100% high on (1) and (2) alike,
 * whether the warm-up was 10 000 or 20 000 requests, so they are counted and left out of the report. No gc() between blocks: a forced full collection throws away V8's optimised
 * code, and the count never settles.
 */

const run = promisify(execFile);

export interface InstructionSettings {
  readonly warmupRequests: number;
  /** Blocks counted but not reported: the first three after the warm-up run high on every server. */
  readonly settleBlocks: number;
  readonly blockRequests: number;
  readonly blocks: number;
}

export interface InstructionCount {
  readonly server: ServerName;
  readonly query: string;
  readonly perRequest: number;
  readonly blocks: readonly number[];
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
  });
  const pid = String(server.child.pid);
  try {
    await load(server.url, token, query, { connections: 4, amount: settings.warmupRequests });
    const blocks: number[] = [];
    for (let block = 1; block <= settings.settleBlocks + settings.blocks; block += 1) {
      await run('callgrind_control', ['--zero', pid]);
      await load(server.url, token, query, { connections: 4, amount: settings.blockRequests });
      await run('callgrind_control', ['--dump', pid]);
      blocks.push((await totalOf(join(dir, `out.${block}`))) / settings.blockRequests);
      process.stderr.write(
        `instructions ${name}/${queryName} block ${block}: ${Math.round(blocks.at(-1)!)}\n`,
      );
    }
    const reported = blocks.slice(settings.settleBlocks);
    return { server: name, query: queryName, perRequest: Math.round(median(reported)), blocks: reported };
  } finally {
    server.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Counts the servers side by side (each valgrind runs one thread at a time, so two fit on two cores). */
export function countInstructions(
  servers: readonly ServerName[],
  token: string,
  queryName: string,
  query: string,
  settings: InstructionSettings,
): Promise<InstructionCount[]> {
  return Promise.all(servers.map((name) => countOne(name, token, queryName, query, settings)));
}

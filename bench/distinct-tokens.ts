import { type ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import { benchTokens, QUERIES } from './fixtures';
import { median, request } from './load';
import { type Running, type ServerName, startServer } from './processes';

/*
 * Many users at once: `me` with N distinct live tokens in rotation (each request carries the next one), for
 * this API (1) and for Apollo's documented pattern with jsonwebtoken (3′, the secret as a KeyObject), which
 * verifies every token and remembers none. For each N the two servers are measured alternately over rounds,
 * and each sample also reads the server process's CPU time (user + system, from the process itself over
 * IPC) per request answered: what a request costs the server, whatever the load generator manages.
 *
 * The rotation goes on across warm-up and rounds, so a cache sees the workload's steady state: with N above
 * what it holds, a token comes back only after N others.
 *
 * "CPU against one token" compares CPU times read in the same round: beside the two servers, a third
 * process of this API answers one token throughout, and takes its turn in every round. Rows measured
 * minutes apart in other processes moved by ±10% with nothing changed (docs/performance.md), more than the
 * 10% the target allows; paired by round, drift of the machine cancels, and the row of one token (two
 * processes doing the same) shows what is left of the noise.
 */

export const DISTINCT_SERVERS = ['api', 'standalone-key-object'] as const satisfies readonly ServerName[];
/** The reference: this API with one token, in its own process, after the servers above. */
const REFERENCE: ServerName = 'api';
const REFERENCE_INDEX = DISTINCT_SERVERS.length;
export const DISTINCT_COUNTS = [1, 1_000, 10_000, 100_000] as const;

export interface DistinctSettings {
  readonly rounds: number;
  readonly seconds: number;
  readonly connections: number;
}

export interface DistinctRow {
  readonly server: string;
  readonly tokens: number;
  readonly requestsPerSecond: number;
  /** Server CPU time per answered request, in microseconds. */
  readonly cpuMicroseconds: number;
}

export interface DistinctResult {
  readonly settings: DistinctSettings;
  readonly rows: readonly DistinctRow[];
  /** (1)/(3′) throughput at each N, paired by round: median and the rounds. */
  readonly versusPeer: Record<number, { median: number; rounds: number[] }>;
  /**
   * (1)'s CPU per request at each N over the reference's (one token, same round): median and the rounds.
   * Absent in reports made before the reference existed.
   */
  readonly versusOneToken?: Record<number, { median: number; rounds: number[] }>;
}

function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (usage) => {
      const { user, system } = usage as NodeJS.CpuUsage;
      resolve(user + system);
    });
    child.send('cpu');
  });
}

/** A load that sends the tokens in turn, continuing where the previous load of this rotation stopped. */
class Rotation {
  private next = 0;
  constructor(private readonly tokens: readonly string[]) {}

  async load(server: Running, seconds: number, connections: number) {
    const base = request(this.tokens[0]!, QUERIES.me);
    const cpuBefore = await cpuOf(server.child);
    const result = await autocannon({
      url: server.url,
      ...base,
      connections,
      duration: seconds,
      timeout: 60,
      requests: [
        {
          setupRequest: (sent: autocannon.Request) => {
            const token = this.tokens[this.next]!;
            this.next = (this.next + 1) % this.tokens.length;
            return { ...sent, headers: { ...base.headers, authorization: `Bearer ${token}` } };
          },
        },
      ],
    });
    const cpu = (await cpuOf(server.child)) - cpuBefore;
    if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0)
      throw new Error(
        `${server.name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
      );
    return { requestsPerSecond: result['2xx'] / result.duration, cpuMicroseconds: cpu / result['2xx'] };
  }
}

export async function measureDistinctTokens(settings: DistinctSettings): Promise<DistinctResult> {
  const all = benchTokens(Math.max(...DISTINCT_COUNTS));
  const rows: DistinctRow[] = [];
  const versusPeer: DistinctResult['versusPeer'] = {};
  const versusOneToken: NonNullable<DistinctResult['versusOneToken']> = {};
  for (const count of DISTINCT_COUNTS) {
    // Fresh processes per N: what one N left in a cache or heap does not carry over to the next.
    const running = await Promise.all([...DISTINCT_SERVERS, REFERENCE].map((name) => startServer(name)));
    try {
      const rotations = running.map(
        (_, index) => new Rotation(all.slice(0, index === REFERENCE_INDEX ? 1 : count)),
      );
      // Twice round the rotation where that is short, so a cache reaches its steady state; at least 5 s.
      for (const [index, server] of running.entries())
        await rotations[index]!.load(
          server,
          Math.min(15, Math.max(5, (2 * count) / 3000)),
          settings.connections,
        );
      const samples = running.map(() => [] as { requestsPerSecond: number; cpuMicroseconds: number }[]);
      for (let round = 1; round <= settings.rounds; round += 1) {
        // Each process takes each place in the order in turn.
        const order = running.map((_, place) => (place + round) % running.length);
        for (const index of order) {
          const sample = await rotations[index]!.load(
            running[index]!,
            settings.seconds,
            settings.connections,
          );
          samples[index]!.push(sample);
          process.stderr.write(
            `distinct ${count} round ${round} ${running[index]!.name}${index === REFERENCE_INDEX ? ' (one token)' : ''}: ${Math.round(sample.requestsPerSecond)} req/s, ${sample.cpuMicroseconds.toFixed(1)} µs CPU\n`,
          );
        }
      }
      for (const [index, server] of running.slice(0, REFERENCE_INDEX).entries()) {
        rows.push({
          server: server.name,
          tokens: count,
          requestsPerSecond: Math.round(median(samples[index]!.map((sample) => sample.requestsPerSecond))),
          cpuMicroseconds:
            Math.round(median(samples[index]!.map((sample) => sample.cpuMicroseconds)) * 10) / 10,
        });
      }
      const rounds = samples[0]!.map(
        (sample, round) => sample.requestsPerSecond / samples[1]![round]!.requestsPerSecond,
      );
      versusPeer[count] = { median: median(rounds), rounds };
      const cpuRounds = samples[0]!.map(
        (sample, round) => sample.cpuMicroseconds / samples[REFERENCE_INDEX]![round]!.cpuMicroseconds,
      );
      versusOneToken[count] = { median: median(cpuRounds), rounds: cpuRounds };
    } finally {
      for (const server of running) server.child.kill('SIGKILL');
    }
  }
  return { settings, rows, versusPeer, versusOneToken };
}

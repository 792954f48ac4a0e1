import { type AccountsResult } from './accounts';
import { type DistinctResult } from './distinct-tokens';
import { type InstructionCount } from './instructions';

export interface Row {
  readonly server: string;
  readonly label: string;
  readonly query: string;
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
}

/** (1)/(2) on one query: per round (the two ran back to back), and the median of those. */
export interface PairedRatio {
  readonly median: number;
  readonly rounds: readonly number[];
}

export interface Report {
  readonly date: string;
  readonly machine: { cpu: string; cores: number; memoryGiB: number; pinned: boolean };
  readonly versions: Record<string, string>;
  readonly settings: { durationSeconds: number; rounds: number; connections: number };
  readonly rows: readonly Row[];
  readonly ratios: {
    readonly me: PairedRatio;
    readonly list: PairedRatio;
    readonly meVsStandalone: number;
    readonly meVsStandaloneKeyObject: number;
    readonly meVsYoga: number;
    /** (1r)/(1): `me` with 10 000 live revocations over `me` with none. */
    readonly meRevoked: PairedRatio;
    /** Absent in reports made before metrics and tracing existed. */
    readonly meMetrics?: PairedRatio;
    readonly meTraced?: PairedRatio;
    readonly meTracedRatio?: PairedRatio;
    /**
     * (1t)/(1m) and (1t1%)/(1m): tracing on against off, metrics on in both, what the tracing targets are
     * about. Absent in reports made before they were reported apart.
     */
    readonly meTracing?: PairedRatio;
    readonly meTracingRatio?: PairedRatio;
    readonly meTrusted?: PairedRatio;
    readonly meGraphOS?: PairedRatio;
    readonly meGraphOSSampled?: PairedRatio;
    readonly listGraphOS?: PairedRatio;
    readonly listGraphOSSampled?: PairedRatio;
  };
  readonly instructions: readonly InstructionCount[] | undefined;
  readonly memory: Record<string, number> | undefined;
  readonly accounts: AccountsResult | undefined;
  /** Absent in reports made before the many-users workload existed. */
  readonly distinct?: DistinctResult;
}

function distinctLines(result: DistinctResult): string[] {
  const { settings, rows, versusPeer, versusOneToken } = result;
  const of = (server: string, tokens: number) =>
    rows.find((row) => row.server === server && row.tokens === tokens);
  const counts = [...new Set(rows.map((row) => row.tokens))];
  return [
    '',
    `Many users at once: \`me\` with N distinct live tokens in rotation (each request the next), ${settings.connections} connections, median of ${settings.rounds} rounds of ${settings.seconds} s; server CPU is the process's user + system time over the requests it answered${versusOneToken ? "; (1) CPU vs one token is paired by round with a third process of this API answering one token (at N = 1, two processes doing the same: the measure's own spread)" : ''}:`,
    '',
    `| tokens in rotation | (1) req/s | (1) CPU µs/request | (1) CPU vs one token${versusOneToken ? ', paired by round' : ''} | (3′) req/s | (3′) CPU µs/request | (1)/(3′) req/s, paired by round |`,
    '| ---: | ---: | ---: | --- | ---: | ---: | --- |',
    ...counts.map((tokens) => {
      const api = of('api', tokens);
      const peer = of('standalone-key-object', tokens);
      const one = of('api', counts[0]!);
      const paired = versusPeer[tokens];
      const cpuPaired = versusOneToken?.[tokens];
      const cpuVersusOne = cpuPaired
        ? `${fixed(cpuPaired.median)} (${range(cpuPaired.rounds)})`
        : api && one
          ? fixed(api.cpuMicroseconds / one.cpuMicroseconds)
          : '';
      return `| ${tokens} | ${api?.requestsPerSecond} | ${api?.cpuMicroseconds} | ${cpuVersusOne} | ${peer?.requestsPerSecond} | ${peer?.cpuMicroseconds} | ${paired ? `${fixed(paired.median)} (${range(paired.rounds)})` : ''} |`;
    }),
  ];
}

const fixed = (value: number, digits = 3) => value.toFixed(digits);
const range = (values: readonly number[]) => `${fixed(Math.min(...values))}-${fixed(Math.max(...values))}`;

function instructionLines(counts: readonly InstructionCount[]): string[] {
  const of = (server: string) => counts.find((count) => count.server === server);
  const api = of('api');
  const bare = of('bare');
  const lines = [
    '',
    'Instructions per request on `me` (valgrind callgrind, every thread of the server process; counted in blocks of 1 000 requests after a warm-up until, of the last seven, the five lowest agree within 5%; their median):',
    '',
    '| server | instructions per request | last seven blocks |',
    '| --- | ---: | --- |',
    ...counts.map(
      (count) =>
        `| ${count.server} | ${count.perRequest}${count.settled ? '' : ' (did not settle)'} | ${count.blocks.map((block) => Math.round(block)).join(', ')} |`,
    ),
  ];
  const revoked = of('api-revoked');
  const metered = of('api-metrics');
  const traced = of('api-traced');
  if (api && metered)
    lines.push(
      '',
      `(1m)/(1) in instructions on me, metrics on against off: ${fixed(metered.perRequest / api.perRequest)} ` +
        `(${metered.perRequest} against ${api.perRequest}).`,
    );
  const trusted = of('api-trusted');
  if (api && trusted)
    lines.push(
      '',
      `(1d)/(1) in instructions on me, a trusted document id against the text: ${fixed(trusted.perRequest / api.perRequest)} ` +
        `(${trusted.perRequest} against ${api.perRequest}).`,
    );
  if (metered && traced)
    lines.push(
      '',
      `(1t)/(1m) in instructions on me, tracing on (every request sampled) against off, metrics on in both: ${fixed(traced.perRequest / metered.perRequest)} ` +
        `(${traced.perRequest} against ${metered.perRequest}).`,
    );
  if (api && traced)
    lines.push(
      '',
      `(1t)/(1) in instructions on me, metrics and tracing on (every request sampled) against both off: ${fixed(traced.perRequest / api.perRequest)} ` +
        `(${traced.perRequest} against ${api.perRequest}).`,
    );
  const reporting = of('api-graphos');
  if (api && reporting)
    lines.push(
      '',
      `(1g)/(1) in instructions on me, GraphOS usage reporting on (to a local endpoint) against off: ${fixed(reporting.perRequest / api.perRequest)} ` +
        `(${reporting.perRequest} against ${api.perRequest}).`,
    );
  const reportingSampled = of('api-graphos-sampled');
  if (api && reportingSampled)
    lines.push(
      '',
      `(1g1%)/(1) in instructions on me, usage reporting timing 1% of operations field by field against off: ${fixed(reportingSampled.perRequest / api.perRequest)} ` +
        `(${reportingSampled.perRequest} against ${api.perRequest}).`,
    );
  const sampled = of('api-traced-ratio');
  if (metered && sampled)
    lines.push(
      '',
      `(1t1%)/(1m) in instructions on me, tracing on sampling 1% against off, metrics on in both: ${fixed(sampled.perRequest / metered.perRequest)} ` +
        `(${sampled.perRequest} against ${metered.perRequest}).`,
    );
  if (api && sampled)
    lines.push(
      '',
      `(1t1%)/(1) in instructions on me, metrics and tracing on sampling 1% against both off: ${fixed(sampled.perRequest / api.perRequest)} ` +
        `(${sampled.perRequest} against ${api.perRequest}).`,
    );
  if (api && revoked)
    lines.push(
      '',
      `(1r)/(1) in instructions on me: ${fixed(api.perRequest / revoked.perRequest)} ` +
        `(${revoked.perRequest} with 10 000 live revocations, ${api.perRequest} with none; the throughput ratio if time followed instructions).`,
    );
  if (api && bare)
    lines.push(
      '',
      `(2)/(1) in instructions on me: ${fixed(bare.perRequest / api.perRequest)} ` +
        `(the throughput (1) would reach relative to (2) if time followed instructions).`,
    );
  return lines;
}

export function markdown(report: Report): string {
  const { ratios } = report;
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
    `(1)/(2), paired by round (the two measured back to back), median and range: ` +
      `on me ${fixed(ratios.me.median)} (${range(ratios.me.rounds)}), ` +
      `on list ${fixed(ratios.list.median)} (${range(ratios.list.rounds)}). ` +
      `On me, (1)/(3): ${fixed(ratios.meVsStandalone)}; (1)/(3′): ${fixed(ratios.meVsStandaloneKeyObject)}; (1)/(4): ${fixed(ratios.meVsYoga)}.`,
  ];
  for (const [ratio, what] of [
    [ratios.meMetrics, '(1m)/(1) on me, metrics on against off'],
    [ratios.meTraced, '(1t)/(1) on me, metrics and tracing on (every request sampled) against both off'],
    [ratios.meTracedRatio, '(1t1%)/(1) on me, metrics and tracing on sampling 1% against both off'],
    [ratios.meTracing, '(1t)/(1m) on me, tracing on (every request sampled) against off, metrics on in both'],
    [ratios.meTracingRatio, '(1t1%)/(1m) on me, tracing on sampling 1% against off, metrics on in both'],
    [ratios.meTrusted, '(1d)/(1) on me, a trusted document id against the text'],
    [ratios.meGraphOS, '(1g)/(1) on me, GraphOS usage reporting on against off'],
    [ratios.meGraphOSSampled, '(1g1%)/(1) on me, usage reporting timing 1% of operations by field'],
    [ratios.listGraphOS, '(1g)/(1) on the list query, usage reporting on against off'],
    [ratios.listGraphOSSampled, '(1g1%)/(1) on the list query, timing 1% of operations by field'],
  ] as const) {
    if (ratio && !Number.isNaN(ratio.median))
      lines.push('', `${what}, paired by round: ${fixed(ratio.median)} (${range(ratio.rounds)}).`);
  }
  if (!Number.isNaN(ratios.meRevoked.median))
    lines.push(
      '',
      `(1r)/(1) on me, 10 000 live revocations against none, paired by round: ${fixed(ratios.meRevoked.median)} (${range(ratios.meRevoked.rounds)}).`,
    );
  if (report.instructions) lines.push(...instructionLines(report.instructions));
  if (report.accounts) {
    const { settings, rows, ratios: accountRatios } = report.accounts;
    lines.push(
      '',
      `Logins and refreshes per second, ${settings.concurrency} clients each looping, median of ${settings.rounds} rounds of ${settings.seconds} s (scrypt at production cost, PASSWORD_SCRYPT_LOG2N=14):`,
      '',
      '| server | operation | per second |',
      '| --- | --- | ---: |',
      ...rows.map((row) => `| ${row.server} | ${row.operation} | ${row.perSecond} |`),
      '',
      `(1)/(1a), with the audit trail over without, paired by round: login ${fixed(accountRatios.login.median)} (${range(accountRatios.login.rounds)}), ` +
        `refresh ${fixed(accountRatios.refresh.median)} (${range(accountRatios.refresh.rounds)}).`,
    );
    if (report.accounts.engines)
      lines.push(
        '',
        `The same on each engine, (1) on SQLite and (1pg) on PostgreSQL 15, measured alternately (median of ${settings.rounds} rounds of ${settings.seconds} s):`,
        '',
        '| engine | operation | clients | per second |',
        '| --- | --- | ---: | ---: |',
        ...report.accounts.engines.map(
          (row) => `| ${row.engine} | ${row.operation} | ${row.clients} | ${row.perSecond} |`,
        ),
      );
  }
  if (report.distinct) lines.push(...distinctLines(report.distinct));
  if (report.memory) {
    const m = report.memory;
    lines.push(
      '',
      `Memory of (1) after GC, ${m.seconds} s of load on me: RSS ${fixed(m.rssWarmMiB!, 1)} → ${fixed(m.rssAfterMiB!, 1)} MiB ` +
        `(${fixed(m.rssGrowthPercent!, 1)}%), heap ${fixed(m.heapWarmMiB!, 1)} → ${fixed(m.heapAfterMiB!, 1)} MiB (${fixed(m.heapGrowthPercent!, 1)}%).`,
    );
  }
  return `${lines.join('\n')}\n`;
}

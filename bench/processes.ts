import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';

export const SERVERS = [
  ['api', '(1) this API as shipped'],
  ['bare', '(2) same schema, bare Apollo + fastify, no auth'],
  ['standalone', '(3) Apollo standalone + jsonwebtoken'],
  ['standalone-key-object', '(3′) (3) with the secret as a KeyObject'],
  ['yoga', '(4) graphql-yoga + plugin-jwt + generic-auth'],
  ['raw', '(5) raw node:http, precomputed (ceiling)'],
  ['api-revoked', '(1r) (1) holding 10 000 live revocations'],
  ['api-metrics', '(1m) (1) with Prometheus metrics on'],
  ['api-traced', '(1t) (1m) with OpenTelemetry tracing on, every request sampled (OTLP to a local sink)'],
  ['api-traced-ratio', '(1t1%) (1t) sampling 1% (OTEL_TRACES_SAMPLER=parentbased_traceidratio, 0.01)'],
  ['api-trusted', '(1d) (1) with TRUSTED_DOCUMENTS=only, sent document ids instead of text'],
  ['api-graphos', '(1g) (1) with GraphOS usage reporting on (reports to a local endpoint)'],
  [
    'api-graphos-sampled',
    '(1g1%) (1g) timing 1% of operations field by field (APOLLO_FIELD_LEVEL_INSTRUMENTATION=0.01)',
  ],
] as const;
/** Servers whose clients send trusted document ids instead of the text. */
export const SENDS_IDS: ReadonlySet<string> = new Set(['api-trusted']);
/** Measured on logins and refreshes only, beside (1). */
export const ACCOUNT_SERVERS = [
  ['api-no-audit', '(1a) (1) without the audit trail'],
  ['api-postgres', '(1pg) (1) on PostgreSQL 15'],
] as const;
/** Measured on WebSocket subscriptions only, beside (1). */
export const SOCKET_SERVERS = [['ws-bare', '(2ws) bare graphql-ws, same schema, no auth']] as const;
export type ServerName =
  (typeof SERVERS)[number][0] | (typeof ACCOUNT_SERVERS)[number][0] | (typeof SOCKET_SERVERS)[number][0];

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
/** Servers on core 0, the load generator on core 1, when the machine has two cores and taskset. */
export const PINNED = cpus().length >= 2 && hasTaskset();

export interface Running {
  readonly name: ServerName;
  readonly url: string;
  readonly child: ChildProcess;
}

export interface StartOptions {
  /** A command the server runs under, such as valgrind; the server is not pinned then. */
  readonly wrapper?: readonly string[];
  readonly timeoutMs?: number;
  /** More environment for the server (the database the PostgreSQL variant uses). */
  readonly env?: Readonly<Record<string, string>>;
  /** Flags for node itself, before the server's script (V8 flags cannot go through NODE_OPTIONS). */
  readonly nodeFlags?: readonly string[];
}

/**
 * Starts one server in its own process, in production mode (libraries such as graphql-armor and Apollo
 * pick their production code paths from NODE_ENV), and resolves once it prints its URL.
 */
export function startServer(name: ServerName, options: StartOptions = {}): Promise<Running> {
  const command = [
    process.execPath,
    '--expose-gc',
    ...(options.nodeFlags ?? []),
    join(__dirname, 'servers', `${name}.js`),
  ];
  const prefix = options.wrapper ?? (PINNED ? ['taskset', '-c', '0'] : []);
  const [program, ...args] = [...prefix, ...command] as [string, ...string[]];
  const child = spawn(program, args, {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, ...options.env, NODE_ENV: 'production' },
  });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-2000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${options.timeoutMs ?? 30_000} ms`));
    }, options.timeoutMs ?? 30_000);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.startsWith('{"url"'));
      if (!line) return;
      clearTimeout(timer);
      resolve({ name, url: (JSON.parse(line) as { url: string }).url, child });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}: ${errors.trim()}`));
    });
  });
}

/** Asks a server process to collect garbage and report its memory (see `announce` in fixtures.ts). */
export function memoryOf(child: ChildProcess): Promise<NodeJS.MemoryUsage> {
  return new Promise((resolve) => {
    child.once('message', (usage) => resolve(usage as NodeJS.MemoryUsage));
    child.send('memory');
  });
}

import { execFileSync } from 'node:child_process';
import WebSocket from 'ws';
import { benchToken } from './fixtures';
import { median } from './load';
import { memoryOf, PINNED, type Running, startServer } from './processes';

/*
 * `npm run bench:sockets`: (1) the API and (2ws) a bare graphql-ws server on the same schema, side by side,
 * in alternating rounds. Each round opens BENCH_SOCKETS (2 000) sockets, 50 handshakes at a time, each
 * sending connection_init with the benchmark's admin token and subscribing to `auditEvents`; then the
 * server is asked for BENCH_EVENTS (20) audit events, 100 ms apart, and every subscriber notes how long each
 * took to reach it. Reported: sockets connected and subscribed per second, memory per socket (RSS and heap
 * after GC, before and after), and the p50/p99 delay from an event to its delivery on every subscriber.
 */

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 2000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const IN_FLIGHT = 50;
const SUBSCRIBE = JSON.stringify({
  id: '1',
  type: 'subscribe',
  payload: { query: 'subscription { auditEvents { id at } }' },
});

interface Sample {
  readonly server: string;
  readonly connectPerSecond: number;
  readonly rssPerSocketKiB: number;
  readonly heapPerSocketKiB: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** One socket: open, init, wait for the ack, subscribe; resolves once subscribed. */
function subscriber(url: string, token: string, delays: number[]): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace('http', 'ws'), 'graphql-transport-ws');
    socket.on('error', reject);
    socket.on('close', (code) => code !== 1000 && code !== 1005 && reject(new Error(`closed with ${code}`)));
    socket.on('open', () =>
      socket.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${token}` } })),
    );
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as {
        type: string;
        payload?: { data?: { auditEvents: { at: string } } };
      };
      if (message.type === 'connection_ack') {
        socket.send(SUBSCRIBE);
        // The subscription is registered before the next message is read: ack-then-subscribe is enough.
        setTimeout(() => resolve(socket), 0);
      } else if (message.type === 'next' && message.payload?.data) {
        delays.push(Date.now() - Date.parse(message.payload.data.auditEvents.at));
      }
    });
  });
}

async function measure(server: Running, token: string): Promise<Sample> {
  const before = await memoryOf(server.child);
  const delays: number[] = [];
  const sockets: WebSocket[] = [];
  const started = Date.now();
  for (let opened = 0; opened < SOCKETS; opened += IN_FLIGHT) {
    const batch = Math.min(IN_FLIGHT, SOCKETS - opened);
    sockets.push(
      ...(await Promise.all(Array.from({ length: batch }, () => subscriber(server.url, token, delays)))),
    );
  }
  const connectPerSecond = SOCKETS / ((Date.now() - started) / 1000);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after = await memoryOf(server.child);
  for (let event = 0; event < EVENTS; event += 1) {
    server.child.send('audit');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const deadline = Date.now() + 5000;
  while (delays.length < SOCKETS * EVENTS && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (delays.length < SOCKETS * EVENTS) {
    throw new Error(`${server.name}: ${delays.length} of ${SOCKETS * EVENTS} deliveries arrived`);
  }
  for (const socket of sockets) socket.close(1000);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const sorted = delays.sort((a, b) => a - b);
  return {
    server: server.name,
    connectPerSecond: Math.round(connectPerSecond),
    rssPerSocketKiB: Math.round(((after.rss - before.rss) / SOCKETS / 1024) * 10) / 10,
    heapPerSocketKiB: Math.round(((after.heapUsed - before.heapUsed) / SOCKETS / 1024) * 10) / 10,
    p50Ms: sorted[Math.floor(sorted.length * 0.5)]!,
    p99Ms: sorted[Math.floor(sorted.length * 0.99)]!,
  };
}

async function main(): Promise<void> {
  if (PINNED) execFileSync('taskset', ['-pc', '1', String(process.pid)], { stdio: 'ignore' });
  const token = benchToken();
  const samples: Sample[] = [];
  for (let round = 1; round <= ROUNDS; round += 1) {
    const order = round % 2 === 0 ? (['ws-bare', 'api'] as const) : (['api', 'ws-bare'] as const);
    for (const name of order) {
      // A fresh process per measurement: memory per socket is read against an untouched server.
      const server = await startServer(name);
      try {
        const sample = await measure(server, token);
        samples.push(sample);
        process.stderr.write(`round ${round} ${JSON.stringify(sample)}\n`);
      } finally {
        server.child.kill('SIGKILL');
      }
    }
  }
  const of = (name: string, key: keyof Omit<Sample, 'server'>) =>
    median(samples.filter((sample) => sample.server === name).map((sample) => sample[key]));
  const lines = [
    `${SOCKETS} sockets each subscribed to auditEvents, ${EVENTS} events, median of ${ROUNDS} rounds${PINNED ? ' (server on core 0, harness on core 1)' : ''}:`,
    '',
    '| server | connected and subscribed per s | RSS per socket KiB | heap per socket KiB | delivery p50 ms | delivery p99 ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...(['api', 'ws-bare'] as const).map(
      (name) =>
        `| ${name === 'api' ? '(1) this API' : '(2ws) bare graphql-ws, no auth'} | ${of(name, 'connectPerSecond')} | ${of(name, 'rssPerSocketKiB')} | ${of(name, 'heapPerSocketKiB')} | ${of(name, 'p50Ms')} | ${of(name, 'p99Ms')} |`,
    ),
    '',
    `(1)/(2ws): connect rate ${(of('api', 'connectPerSecond') / of('ws-bare', 'connectPerSecond')).toFixed(3)}, ` +
      `heap per socket ${(of('api', 'heapPerSocketKiB') / of('ws-bare', 'heapPerSocketKiB')).toFixed(3)}, ` +
      `RSS per socket ${(of('api', 'rssPerSocketKiB') / of('ws-bare', 'rssPerSocketKiB')).toFixed(3)}.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `socket benchmark failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
});

import { ACCOUNT } from './fixtures';
import { median } from './load';
import { freshDatabase } from './postgres';
import { type Running, startServer } from './processes';

/*
 * Logins and refreshes per second with the audit trail (1) and without it (1a), measured alternately over
 * rounds like the main table. autocannon sends one fixed body, and a refresh token works once, so each of
 * `concurrency` clients runs its own loop: a login after another, or one login and then a refresh of the
 * token the previous refresh returned.
 */

export type AccountOperation = 'login' | 'refresh';

export interface AccountsSettings {
  readonly rounds: number;
  readonly seconds: number;
  readonly concurrency: number;
}

export interface AccountsResult {
  readonly settings: AccountsSettings;
  readonly rows: ReadonlyArray<{ server: string; operation: AccountOperation; perSecond: number }>;
  /** (1)/(1a) per operation: the median of the per-round ratios, and their range. */
  readonly ratios: Record<AccountOperation, { median: number; rounds: number[] }>;
  /** Per second on each engine, by operation and clients; absent where PostgreSQL could not be reached. */
  readonly engines?: ReadonlyArray<{
    engine: 'sqlite' | 'postgres';
    operation: AccountOperation;
    clients: number;
    perSecond: number;
  }>;
}

const LOGIN = `mutation { login(username: "${ACCOUNT.username}", password: "${ACCOUNT.password}") { refreshToken } }`;
const REFRESH = 'mutation($r: String!) { refreshToken(refreshToken: $r) { refreshToken } }';

async function call(url: string, query: string, variables?: object): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, { refreshToken: string } | null> };
  const token = body.data && Object.values(body.data)[0]?.refreshToken;
  if (response.status !== 200 || !token)
    throw new Error(`${url}: ${response.status} ${JSON.stringify(body)}`);
  return token;
}

/** Completed operations per second over `seconds`, from `concurrency` clients. */
async function drive(url: string, operation: AccountOperation, settings: AccountsSettings): Promise<number> {
  // A refreshing client's first login is not timed: with 32 clients, their scrypt hashes would be.
  const firstTokens = await Promise.all(
    Array.from({ length: settings.concurrency }, () =>
      operation === 'refresh' ? call(url, LOGIN) : Promise.resolve(''),
    ),
  );
  const deadline = Date.now() + settings.seconds * 1000;
  let done = 0;
  const started = Date.now();
  await Promise.all(
    firstTokens.map(async (first) => {
      let token = first;
      while (Date.now() < deadline) {
        token = operation === 'login' ? await call(url, LOGIN) : await call(url, REFRESH, { r: token });
        done += 1;
      }
    }),
  );
  return done / ((Date.now() - started) / 1000);
}

/**
 * (1) on SQLite and (1pg) on PostgreSQL, alternately over rounds: logins with `settings.concurrency`
 * clients, refreshes with that many and with 32 (each refresh locks its family's row; on PostgreSQL the
 * clients' transactions really run at once).
 */
async function measureEngines(settings: AccountsSettings): Promise<AccountsResult['engines']> {
  const database = await freshDatabase();
  if (!database) {
    process.stderr.write('PostgreSQL is not reachable (BENCH_POSTGRES_URL): no refresh on PostgreSQL\n');
    return undefined;
  }
  const running: Running[] = [];
  try {
    running.push(
      await startServer('api'),
      await startServer('api-postgres', { env: { BENCH_DATABASE_URL: database.url } }),
    );
    const engineOf = (server: Running) => (server.name === 'api' ? 'sqlite' : 'postgres');
    const cases = [
      ['login', settings.concurrency],
      ['refresh', settings.concurrency],
      ['refresh', 32],
    ] as const;
    for (const server of running) await drive(server.url, 'refresh', { ...settings, seconds: 3 });
    const samples = new Map<string, number[]>();
    for (let round = 1; round <= settings.rounds; round += 1) {
      for (const [operation, clients] of cases) {
        const order = round % 2 === 0 ? [...running].reverse() : running;
        for (const server of order) {
          const perSecond = await drive(server.url, operation, { ...settings, concurrency: clients });
          const key = `${engineOf(server)}/${operation}/${clients}`;
          samples.set(key, [...(samples.get(key) ?? []), perSecond]);
          process.stderr.write(`round ${round} ${key}: ${Math.round(perSecond)}/s\n`);
        }
      }
    }
    return [...samples].map(([key, values]) => {
      const [engine, operation, clients] = key.split('/') as [
        'sqlite' | 'postgres',
        AccountOperation,
        string,
      ];
      return { engine, operation, clients: Number(clients), perSecond: Math.round(median(values) * 10) / 10 };
    });
  } finally {
    for (const server of running) server.child.kill('SIGKILL');
    await Promise.all(running.map((server) => new Promise((resolve) => server.child.once('exit', resolve))));
    await database.drop();
  }
}

export async function measureAccounts(settings: AccountsSettings): Promise<AccountsResult> {
  const engines = await measureEngines(settings);
  const running: Running[] = await Promise.all([startServer('api'), startServer('api-no-audit')]);
  try {
    for (const server of running) {
      for (const operation of ['login', 'refresh'] as const) {
        await drive(server.url, operation, { ...settings, seconds: 3 });
      }
    }
    const samples = new Map<string, number[]>();
    for (let round = 1; round <= settings.rounds; round += 1) {
      for (const operation of ['login', 'refresh'] as const) {
        const order = round % 2 === 0 ? [...running].reverse() : running;
        for (const server of order) {
          const perSecond = await drive(server.url, operation, settings);
          const key = `${server.name}/${operation}`;
          samples.set(key, [...(samples.get(key) ?? []), perSecond]);
          process.stderr.write(`round ${round} ${key}: ${Math.round(perSecond)}/s\n`);
        }
      }
    }
    const ratio = (operation: AccountOperation) => {
      const withTrail = samples.get(`api/${operation}`)!;
      const without = samples.get(`api-no-audit/${operation}`)!;
      const rounds = withTrail.map((value, index) => value / without[index]!);
      return { median: median(rounds), rounds };
    };
    return {
      settings,
      rows: [...samples].map(([key, values]) => {
        const [server, operation] = key.split('/') as [string, AccountOperation];
        return { server, operation, perSecond: Math.round(median(values) * 10) / 10 };
      }),
      ratios: { login: ratio('login'), refresh: ratio('refresh') },
      ...(engines && { engines }),
    };
  } finally {
    for (const server of running) server.child.kill('SIGKILL');
  }
}

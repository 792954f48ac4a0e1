import { ACCOUNT } from './fixtures';
import { median } from './load';
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
  const deadline = Date.now() + settings.seconds * 1000;
  let done = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: settings.concurrency }, async () => {
      let token = operation === 'refresh' ? await call(url, LOGIN) : '';
      while (Date.now() < deadline) {
        token = operation === 'login' ? await call(url, LOGIN) : await call(url, REFRESH, { r: token });
        done += 1;
      }
    }),
  );
  return done / ((Date.now() - started) / 1000);
}

export async function measureAccounts(settings: AccountsSettings): Promise<AccountsResult> {
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
    };
  } finally {
    for (const server of running) server.child.kill('SIGKILL');
  }
}

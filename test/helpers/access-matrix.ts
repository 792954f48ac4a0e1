import { randomUUID } from 'node:crypto';
import { type FormattedExecutionResult } from 'graphql';
import { ERROR_TABLE, type ErrorCode } from '../../src/errors';
import {
  type AccessMatrix,
  describeCell,
  type MatrixColumn,
  type Outcome,
} from '../../src/permissions/access-matrix';
import { type foreignIssuer } from './foreign-issuer';
import { type TestServer } from './server';
import { connect, subscribe, until } from './websocket';

/*
 * Drives an access matrix (src/permissions/access-matrix.ts) against a live server: one caller per column,
 * one request per row (and per owner target), over HTTP for queries and mutations and over WebSocket for
 * subscriptions, and reports every cell whose live answer differs from the matrix. Domain modules' tests
 * use it with their own rows (examples/notes/).
 */

export const MATRIX_PASSWORD = 'matrix password 0123';
/** The alias each request gives the field it probes, so its errors are found by path. */
export const PROBE = 'probe';

/** One column's caller, provisioned on the live server. */
export interface LiveCaller {
  readonly column: MatrixColumn;
  /** `Bearer …`, or undefined for the anonymous column. */
  readonly authorization: string | undefined;
  /** Its token's subject: an account id, a service's name or another issuer's subject. */
  readonly subject: string;
  /** The account's username, for a column with an account. */
  readonly username?: string;
}

export interface MatrixRequest {
  /** A document whose probed field is aliased `probe`. */
  readonly query: string;
  /** Its variables; `whose` says whether the caller is to be the owner of what it names. */
  readonly variables?: (caller: LiveCaller, whose: 'own' | 'other') => Record<string, unknown>;
  /**
   * Ends what other rows of its column need (the caller's sessions, its token): run after them, the
   * higher the later (revokeAllSessions, which ends the caller's token, last of all).
   */
  readonly last?: number;
}

const REFUSALS = new Set<string>(['UNAUTHENTICATED', 'FORBIDDEN', 'LOCAL_ACCOUNT_REQUIRED']);

/** The refusal among `errors`, as an Outcome; a resolver's own refusal to grant is the field having run. */
function outcomeOf(errors: FormattedExecutionResult['errors'], status: number | undefined): Outcome {
  const refusal = errors?.find(
    (error) => REFUSALS.has(String(error.extensions?.code)) && error.extensions?.reason !== 'CANNOT_GRANT',
  );
  if (!refusal) return { allowed: true };
  const code = String(refusal.extensions!.code);
  const reason = refusal.extensions?.reason as string | undefined;
  return {
    allowed: false,
    status: status ?? ERROR_TABLE[code as ErrorCode].status ?? 200,
    code,
    ...(reason !== undefined && { reason }),
  };
}

/**
 * A caller for each column: an active account holding the column's scopes (with a token the API signs
 * for it), an account disabled in the database after its token was issued (so that no revocation has
 * reached the server: the live-account check alone must refuse it), a service token minted with no
 * account behind it, and another issuer's token.
 */
export async function provisionCallers(
  server: TestServer,
  columns: readonly MatrixColumn[],
  foreign: ReturnType<typeof foreignIssuer>,
): Promise<LiveCaller[]> {
  const { users } = server.services;
  const callers: LiveCaller[] = [];
  for (const column of columns) {
    const { caller } = column;
    if (caller.kind === 'anonymous') {
      callers.push({ column, authorization: undefined, subject: '' });
      continue;
    }
    if (caller.issuer === 'foreign') {
      const subject = `outsider-${randomUUID()}`;
      callers.push({
        column,
        authorization: `Bearer ${await foreign.token(subject, caller.scopes)}`,
        subject,
      });
      continue;
    }
    let subject = `service-${randomUUID()}`;
    let username: string | undefined;
    if (caller.account !== 'none') {
      username = `m-${randomUUID().slice(0, 8)}`;
      subject = (
        await users.createUser({ username, password: MATRIX_PASSWORD, scopes: [...caller.scopes] }, {})
      ).id;
    }
    const { token } = server.tokens.issue({
      subject,
      username: `u-${subject.slice(0, 20)}`,
      scopes: caller.scopes,
    });
    if (caller.account === 'disabled') {
      await server.services.database.db
        .updateTable('users')
        .set({ disabled_at: Date.now() })
        .where('id', '=', subject)
        .execute();
    }
    callers.push({ column, authorization: `Bearer ${token}`, subject, ...(username && { username }) });
  }
  return callers;
}

/** What a scrape of /metrics says of a gauge (`graphql_subscriptions`). */
async function gauge(server: TestServer, name: string, metricsToken: string): Promise<number> {
  const response = await server.app.inject({
    method: 'GET',
    url: '/metrics',
    headers: { authorization: `Bearer ${metricsToken}` },
  });
  const line = response.body.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? NaN);
}

async function overHttp(
  server: TestServer,
  request: MatrixRequest,
  caller: LiveCaller,
  whose: 'own' | 'other',
) {
  const response = await server.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: {
      'content-type': 'application/json',
      ...(caller.authorization && { authorization: caller.authorization }),
    },
    payload: JSON.stringify({ query: request.query, variables: request.variables?.(caller, whose) ?? {} }),
  });
  const body = response.json<FormattedExecutionResult>();
  return outcomeOf(body.errors, response.statusCode);
}

/**
 * Over WebSocket: the subscription is refused (an error message), or it runs, which the server's
 * `graphql_subscriptions` gauge shows; the socket is closed and the gauge back at 0 before it returns.
 */
async function overWebSocket(
  server: TestServer,
  url: string,
  metricsToken: string,
  request: MatrixRequest,
  caller: LiveCaller,
  whose: 'own' | 'other',
) {
  const { client } = connect(url, caller.authorization?.slice('Bearer '.length));
  const running = async () => (await gauge(server, 'graphql_subscriptions', metricsToken)) > 0;
  try {
    const subscription = subscribe(client, request.query, request.variables?.(caller, whose));
    await until(async () => subscription.ended() || (await running()), 5000);
    if (!subscription.ended() && !(await running()))
      throw new Error('the subscription neither ran nor was refused');
    return outcomeOf(subscription.refused() as FormattedExecutionResult['errors'], undefined);
  } finally {
    await client.dispose();
    await until(async () => (await gauge(server, 'websocket_connections', metricsToken)) === 0, 5000);
  }
}

/**
 * Drives every cell of `matrix` and returns a line for each that differs from the live answer (and for
 * each row without a request): an empty list when the server does exactly what the matrix says.
 * @param requests by `Type.field`
 */
export async function liveMismatches(options: {
  readonly server: TestServer;
  readonly wsUrl: string;
  readonly metricsToken: string;
  readonly matrix: AccessMatrix;
  readonly callers: readonly LiveCaller[];
  readonly requests: Readonly<Record<string, MatrixRequest>>;
}): Promise<string[]> {
  const { matrix, callers, requests } = options;
  const mismatches: string[] = [];
  const rows = matrix.rows.filter((row) => {
    if (requests[`${row.type}.${row.field}`]) return true;
    mismatches.push(`${row.type}.${row.field}: no request to drive it with`);
    return false;
  });
  const ordered = [...rows].sort(
    (a, b) => (requests[`${a.type}.${a.field}`]!.last ?? 0) - (requests[`${b.type}.${b.field}`]!.last ?? 0),
  );
  for (const [index, caller] of callers.entries()) {
    for (const row of ordered) {
      const request = requests[`${row.type}.${row.field}`]!;
      const expected = row.cells[index]!;
      const drive = (whose: 'own' | 'other') =>
        row.type === 'Subscription'
          ? overWebSocket(options.server, options.wsUrl, options.metricsToken, request, caller, whose)
          : overHttp(options.server, request, caller, whose);
      const own = await drive('own');
      const live = { own, other: row.owner ? await drive('other') : own };
      if (JSON.stringify(live) !== JSON.stringify(expected)) {
        mismatches.push(
          `${row.type}.${row.field} × ${caller.column.key}: matrix says ${describeCell(expected)}, server answers ${describeCell(live)}`,
        );
      }
    }
  }
  return mismatches;
}

import { type AuthenticatedIdentity, ANONYMOUS, type Identity } from '../auth/identity';
import { AuthError, ERROR_TABLE, ForbiddenError } from '../errors';
import { type AccessFacts, decide } from './decide';
import { type PermissionMap, ROOT_TYPES, type RootType } from './permission-map';
import { type OwnerRule, type Policy } from './policy';
import { expandScopes, type ScopeClosure } from '../scopes/hierarchy';
import { ADMIN_SCOPE } from '../scopes/vocabulary';

/*
 * Every root field against the identities a client can come with, decided by the one decision function
 * (decide.ts) over the facts each identity stands for. `npm run -s authz:matrix` prints it as Markdown;
 * docs/authorization.md is that output, checked for drift; the access-matrix test drives every cell over
 * HTTP and WebSocket and fails where the live answer differs.
 */

/** Who a column is: what its token says, and what the database says of its account. */
export type MatrixCaller =
  | { readonly kind: 'anonymous' }
  | {
      readonly kind: 'token';
      readonly scopes: readonly string[];
      /** `foreign`: another issuer's token, trusted through TRUSTED_ISSUERS. */
      readonly issuer: 'local' | 'foreign';
      /** `none`: no account has its subject (a service token minted by issueToken). */
      readonly account: 'active' | 'disabled' | 'none';
    };

export interface MatrixColumn {
  readonly key: string;
  readonly heading: string;
  /** A footnote, for the columns whose heading does not say it all. */
  readonly note?: string;
  readonly caller: MatrixCaller;
}

/** What one caller gets from one field: allowed, or refused with a status, code and reason. */
export type Outcome =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly status: number; readonly code: string; readonly reason?: string };

/** A field's answer to a caller, for its own account or resource and for another's (the same without an owner rule). */
export interface MatrixCell {
  readonly own: Outcome;
  readonly other: Outcome;
}

export interface MatrixRow {
  readonly type: RootType;
  readonly field: string;
  /** The policy has an owner alternative: the answer may differ for the caller's own and another's. */
  readonly owner: boolean;
  readonly cells: readonly MatrixCell[];
}

export interface AccessMatrix {
  readonly columns: readonly MatrixColumn[];
  readonly rows: readonly MatrixRow[];
}

const token = (
  scopes: readonly string[],
  overrides: Partial<Extract<MatrixCaller, { kind: 'token' }>> = {},
) => ({ kind: 'token', scopes, issuer: 'local', account: 'active', ...overrides }) as const;

/**
 * The columns: anonymous, a token with no scope, one account per scope of the vocabulary, `admin`, and the
 * three `admin` tokens that must not administer anything: a disabled account's, a service's, another
 * issuer's.
 */
export function matrixColumns(vocabulary: readonly string[]): MatrixColumn[] {
  const scopes = [...new Set(vocabulary)].filter((scope) => scope !== ADMIN_SCOPE).sort();
  return [
    {
      key: 'anonymous',
      heading: 'anonymous',
      note: 'no Authorization header',
      caller: { kind: 'anonymous' },
    },
    { key: 'none', heading: 'no scope', note: 'an active account granted no scope', caller: token([]) },
    ...scopes.map((scope) => ({ key: scope, heading: `\`${scope}\``, caller: token([scope]) })),
    { key: ADMIN_SCOPE, heading: '`admin`', caller: token([ADMIN_SCOPE]) },
    {
      key: 'disabled',
      heading: '`admin`, disabled',
      note: "an admin token whose account has been disabled since it was issued, before the token's revocation reaches this instance (disabling through the API or the CLI also revokes it everywhere within a second: then 401 TOKEN_REVOKED on every field)",
      caller: token([ADMIN_SCOPE], { account: 'disabled' }),
    },
    {
      key: 'service',
      heading: '`admin`, service',
      note: 'a token minted by issueToken with `admin` for a subject that is no account (a service)',
      caller: token([ADMIN_SCOPE], { account: 'none' }),
    },
    {
      key: 'foreign',
      heading: '`admin`, other issuer',
      note: 'a trusted issuer’s token (TRUSTED_ISSUERS) carrying `admin`',
      caller: token([ADMIN_SCOPE], { issuer: 'foreign' }),
    },
  ];
}

/** The subject every token column names, and the account or resource another caller owns. */
export const MATRIX_SUBJECT = 'caller';
export const MATRIX_OTHER = 'someone-else';

function identityOf(caller: MatrixCaller, closure: ScopeClosure): Identity {
  if (caller.kind === 'anonymous') return ANONYMOUS;
  const identity: AuthenticatedIdentity = {
    authenticated: true,
    issuer: caller.issuer === 'local' ? 'this-api' : 'other-issuer',
    local: caller.issuer === 'local',
    subject: MATRIX_SUBJECT,
    username: MATRIX_SUBJECT,
    scopes: caller.scopes,
    grantedScopes: expandScopes(caller.scopes, closure),
    expiresAt: new Date(0),
    tokenId: undefined,
    keyId: undefined,
    actor: undefined,
    sessionId: undefined,
    issuedAt: undefined,
  };
  return identity;
}

function factsOf(caller: MatrixCaller, closure: ScopeClosure): AccessFacts {
  return {
    account: async () =>
      caller.kind === 'token' && caller.account !== 'none'
        ? { active: caller.account === 'active', grantedScopes: expandScopes(caller.scopes, closure) }
        : undefined,
    owner: async (_resource, id) => (id === MATRIX_SUBJECT ? MATRIX_SUBJECT : MATRIX_OTHER),
  };
}

/** The arguments and parent that make the caller the owner (`own`) or not (`other`). */
function target(rule: OwnerRule | undefined, whose: 'own' | 'other') {
  const id = whose === 'own' ? MATRIX_SUBJECT : MATRIX_OTHER;
  if (!rule) return { args: {}, parent: undefined };
  return rule.kind === 'parent'
    ? { args: {}, parent: { [rule.property]: id } }
    : { args: { [rule.argument]: id }, parent: undefined };
}

function outcomeOf(refusal: Awaited<ReturnType<typeof decide>>): Outcome {
  if (!refusal) return { allowed: true };
  const reason =
    refusal instanceof AuthError || refusal instanceof ForbiddenError ? refusal.reason : undefined;
  return {
    allowed: false,
    status: ERROR_TABLE[refusal.code].status ?? 200,
    code: refusal.code,
    ...(reason && { reason }),
  };
}

async function cellOf(
  policy: Policy | undefined,
  caller: MatrixCaller,
  closure: ScopeClosure,
): Promise<MatrixCell> {
  const identity = identityOf(caller, closure);
  const facts = factsOf(caller, closure);
  const rule = policy?.kind === 'guarded' ? policy.owner : undefined;
  const [own, other] = await Promise.all(
    (['own', 'other'] as const).map(async (whose) =>
      outcomeOf(await decide(policy, { identity, context: {}, ...target(rule, whose) }, facts)),
    ),
  );
  return { own: own!, other: other! };
}

/** Every root field of `map` × every column, decided. */
export async function accessMatrix(
  map: PermissionMap,
  vocabulary: readonly string[],
  closure: ScopeClosure,
): Promise<AccessMatrix> {
  const columns = matrixColumns(vocabulary);
  const rows: MatrixRow[] = [];
  for (const type of ROOT_TYPES) {
    for (const field of Object.keys(map.fields[type] ?? {}).sort()) {
      const policy = map.policyOf(type, field);
      const owner = policy?.kind === 'guarded' && policy.owner !== undefined;
      const cells = await Promise.all(columns.map((column) => cellOf(policy, column.caller, closure)));
      rows.push({ type, field, owner, cells });
    }
  }
  return { columns, rows };
}

const sameOutcome = (a: Outcome, b: Outcome) => JSON.stringify(a) === JSON.stringify(b);

function describeOutcome(outcome: Outcome): string {
  if (outcome.allowed) return '✅';
  return `${outcome.status} ${outcome.reason ?? outcome.code}`;
}

/** One cell in words: "✅", "403 SCOPE_MISSING", or "own ✅ · other 403 NOT_OWNER". */
export function describeCell(cell: MatrixCell): string {
  if (sameOutcome(cell.own, cell.other)) return describeOutcome(cell.own);
  return `own ${describeOutcome(cell.own)} · other ${describeOutcome(cell.other)}`;
}

/** The matrix as the Markdown page docs/authorization.md. */
export function renderMatrix(matrix: AccessMatrix): string {
  const noted = matrix.columns.filter((column) => column.note);
  const heading = (column: MatrixColumn) => {
    const index = noted.indexOf(column);
    return index < 0 ? column.heading : `${column.heading} (${index + 1})`;
  };
  const lines = [
    '# Access matrix',
    '',
    '<!-- Generated by `npm run -s authz:matrix`; `npm run check:authz` fails when this file drifts. -->',
    '',
    'Every root field against every kind of caller, as the permission map decides it',
    '([src/permissions/permission-map.ts](../src/permissions/permission-map.ts); the model is explained in',
    '[permissions.md](permissions.md)). ✅: allowed (the field runs; it may still refuse its input). Otherwise',
    'the HTTP status and `extensions.reason` (or `extensions.code` when the code says it all) of the refusal,',
    'the same over WebSocket for subscriptions. "own" is the caller\'s own account (an owner rule), "other"',
    "anyone else's. Each scope column is an active account holding that scope alone; `admin` implies every",
    'other scope of the API. A test drives every cell over HTTP and WebSocket, on SQLite and PostgreSQL.',
    '',
    `| Field | ${matrix.columns.map(heading).join(' | ')} |`,
    `| --- | ${matrix.columns.map(() => '---').join(' | ')} |`,
    ...matrix.rows.map(
      (row) =>
        `| \`${row.type}.${row.field}\` | ${row.cells.map((cell) => describeCell(cell)).join(' | ')} |`,
    ),
    '',
    ...noted.map((column, index) => `${index + 1}. ${column.heading}: ${column.note}.`),
    '',
  ];
  return lines.join('\n');
}

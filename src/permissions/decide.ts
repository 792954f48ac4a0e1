import { type AuthenticatedIdentity, type Identity } from '../auth/identity';
import { AppError, AuthError, ForbiddenError } from '../errors';
import { type GuardedPolicy, type OwnerRule, type Policy } from './policy';

/*
 * The one decision: a policy (policy.ts) applied to a caller. graphql-shield calls it for every guarded
 * field over HTTP (rules.ts) and the subscription gate for every field a subscription selects
 * (src/realtime/subscription-access.ts), so both transports refuse alike, with the same code, reason and
 * missing scopes. What is known from the token is decided at once; the database is read only for a live
 * account or a resource's owner, through {@link AccessFacts}.
 */

/** A caller's account as the database has it now. */
export interface AccountState {
  readonly active: boolean;
  /** Its scopes now, with every scope they imply. */
  readonly grantedScopes: ReadonlySet<string>;
}

/** What a decision may need to read; the server's implementation is access-facts.ts. */
export interface AccessFacts {
  /** The caller's account, read at most once per request (`request.context`); undefined: none. */
  account(
    request: AccessRequest & { readonly identity: AuthenticatedIdentity },
  ): Promise<AccountState | undefined>;
  /** The account id owning `resource` `id`, by the lookup a module registered; undefined: no such thing. */
  owner(resource: string, id: string): Promise<string | undefined>;
}

/** One field asked for by one caller. */
export interface AccessRequest {
  readonly identity: Identity;
  /** The field's arguments, coerced (owner rules read one). */
  readonly args: Readonly<Record<string, unknown>> | undefined;
  /** The object the field is read from (owner rules on object fields read it). */
  readonly parent: unknown;
  /** The request (or subscription) it belongs to: what is read for one field is reused for the others. */
  readonly context: object;
}

// Shared, immutable refusals: graphql-js wraps them per field, the formatter gives them their code.
const AUTHENTICATION_REQUIRED = new AuthError('AUTHENTICATION_REQUIRED');
const LOCAL_ACCOUNT_REQUIRED = new AppError('LOCAL_ACCOUNT_REQUIRED');
/** A field nobody was given access to on purpose. */
export const NOT_EXPOSED = new ForbiddenError('This field is not available.', [], [], 'NOT_EXPOSED');

/** Undefined: allowed. An AppError: the refusal, ready to be returned by a rule or sent to a subscriber. */
export type Decision = AppError | undefined;

const holdsAll = (granted: ReadonlySet<string>, set: readonly string[]) =>
  set.every((scope) => granted.has(scope));

/** The set of `anyOf` closest to being met by `granted` (fewest missing; the first on a tie), and what it lacks. */
function closest(anyOf: GuardedPolicy['anyOf'], granted: ReadonlySet<string>) {
  let best: { required: readonly string[]; missing: string[] } = { required: [], missing: [] };
  for (const required of anyOf) {
    const missing = required.filter((scope) => !granted.has(scope));
    if (best.required.length === 0 || missing.length < best.missing.length) best = { required, missing };
  }
  return best;
}

function describeSets(anyOf: GuardedPolicy['anyOf']): string {
  return anyOf.map((set) => set.join(' and ')).join('; or ');
}

function scopeRefusal(policy: GuardedPolicy, granted: ReadonlySet<string>): ForbiddenError {
  const { required, missing } = closest(policy.anyOf, granted);
  if (policy.owner) {
    const scopes = policy.anyOf.length > 0 ? `, or a caller granted ${describeSets(policy.anyOf)},` : '';
    return new ForbiddenError(`Only the owner${scopes} may use this field.`, required, missing, 'NOT_OWNER');
  }
  const message =
    policy.anyOf.length === 1
      ? `Missing required scope: ${missing.join(', ')}.`
      : `Missing required scopes: ${describeSets(policy.anyOf)}.`;
  return new ForbiddenError(message, required, missing, 'SCOPE_MISSING');
}

const accountInactive = (required: readonly string[]) =>
  new ForbiddenError(
    "This needs an active account of this API: the caller's is disabled or does not exist.",
    required,
    required,
    'ACCOUNT_INACTIVE',
  );

/**
 * Decides `policy` for `request`: undefined when the field may be used, else the refusal. Synchronous
 * whenever the token alone decides (every request for `me`); a promise when the database must be read.
 * @param policy undefined for a field the map does not name: refused as NOT_EXPOSED
 */
export function decide(
  policy: Policy | undefined,
  request: AccessRequest,
  facts: AccessFacts,
): Decision | Promise<Decision> {
  if (!policy) return NOT_EXPOSED;
  if (policy.kind === 'public') return undefined;
  const { identity } = request;
  if (!identity.authenticated) return AUTHENTICATION_REQUIRED;
  if (policy.account !== 'any' && !identity.local) return LOCAL_ACCOUNT_REQUIRED;
  const byScopes = policy.anyOf.some((set) => holdsAll(identity.grantedScopes, set));
  if (byScopes && policy.account !== 'live') return undefined;
  if (!byScopes && !policy.owner) return scopeRefusal(policy, identity.grantedScopes);
  return decideWithFacts(policy, { ...request, identity }, facts, byScopes);
}

async function decideWithFacts(
  policy: GuardedPolicy,
  request: AccessRequest & { readonly identity: AuthenticatedIdentity },
  facts: AccessFacts,
  byScopes: boolean,
): Promise<Decision> {
  const { identity } = request;
  let refusal: ForbiddenError | undefined;
  if (policy.account === 'live') {
    // Whichever alternative lets the caller in, a live policy needs its account active now: read first.
    const account = await facts.account(request);
    if (!account?.active) return accountInactive(closest(policy.anyOf, identity.grantedScopes).required);
    if (byScopes) {
      // The token's scopes must still be the account's.
      const heldNow = policy.anyOf.some(
        (set) => holdsAll(identity.grantedScopes, set) && holdsAll(account.grantedScopes, set),
      );
      if (heldNow) return undefined;
      const { required, missing } = closest(policy.anyOf, account.grantedScopes);
      refusal = new ForbiddenError(
        `Your account no longer holds: ${missing.join(', ')}.`,
        required,
        missing,
        'ACCOUNT_SCOPE_MISSING',
      );
    }
  }
  if (policy.owner && identity.local && (await ownerOf(policy.owner, request, facts)) === identity.subject) {
    return undefined;
  }
  return refusal ?? scopeRefusal(policy, identity.grantedScopes);
}

/** The account id that owns what the field touches, as `rule` finds it; undefined when it names none. */
async function ownerOf(
  rule: OwnerRule,
  request: AccessRequest,
  facts: AccessFacts,
): Promise<string | undefined> {
  if (rule.kind === 'parent') {
    const owner = (request.parent as Record<string, unknown> | null | undefined)?.[rule.property];
    return typeof owner === 'string' ? owner : undefined;
  }
  const id = request.args?.[rule.argument];
  if (typeof id !== 'string') return undefined;
  return rule.kind === 'argument' ? id : facts.owner(rule.resource, id);
}

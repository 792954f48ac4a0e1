import { type AccountRequirement, type OwnerRule, type Policy } from './policy';
import { type ScopeClosure, scopesImplying } from '../scopes/hierarchy';

/*
 * A policy as it is published: in the `permissions` query, in each field's description and the SDL's
 * directives, and in the access matrix. Scope requirements are published with the hierarchy expanded, so
 * a client (or an Apollo Router enforcing the SDL) that knows nothing of SCOPE_HIERARCHY reads the same
 * answers the server gives.
 */

export interface PublishedPolicy {
  readonly public: boolean;
  /**
   * Any one set suffices, every scope of it required, with the hierarchy expanded (`users:read` is published
   * as `[["admin"], ["users:read"]]`). `[[]]`: any token; `[]`: no scopes suffice (owner only).
   */
  readonly anyOfScopes: ReadonlyArray<readonly string[]>;
  readonly owner: OwnerRule | undefined;
  readonly account: AccountRequirement;
}

/** How many sets one expanded requirement may have before expansion stops being a useful publication. */
const MAX_EXPANDED_SETS = 256;

/**
 * The scope sets that meet `anyOf` once the hierarchy is taken into account: each required scope may be
 * replaced by any scope implying it. Minimal (no set contains another), sorted.
 * @throws Error past {@link MAX_EXPANDED_SETS} sets, which only a misconfigured hierarchy produces
 */
export function expandRequirement(
  anyOf: ReadonlyArray<readonly string[]>,
  closure: ScopeClosure,
): string[][] {
  const candidates: string[][] = [];
  for (const set of anyOf) {
    let combinations: string[][] = [[]];
    for (const scope of set) {
      const alternatives = [scope, ...scopesImplying(scope, closure)];
      combinations = combinations.flatMap((combination) =>
        alternatives.map((alternative) => [...new Set([...combination, alternative])].sort()),
      );
      if (combinations.length > MAX_EXPANDED_SETS) {
        throw new Error(`the scope requirement ${JSON.stringify(set)} expands to too many alternatives`);
      }
    }
    candidates.push(...combinations);
  }
  const unique = [...new Map(candidates.map((set) => [set.join(' '), set])).values()];
  const minimal = unique.filter(
    (set) =>
      !unique.some(
        (other) => other !== set && other.length < set.length && other.every((s) => set.includes(s)),
      ),
  );
  return minimal.sort((a, b) => a.length - b.length || a.join(' ').localeCompare(b.join(' ')));
}

export function publishPolicy(policy: Policy, closure: ScopeClosure): PublishedPolicy {
  if (policy.kind === 'public') return { public: true, anyOfScopes: [], owner: undefined, account: 'any' };
  return {
    public: false,
    anyOfScopes: expandRequirement(policy.anyOf, closure),
    owner: policy.owner,
    account: policy.account,
  };
}

/** The owner alternative in words: "the account named by `id`", "the owner of the Note named by `id`". */
export function describeOwner(rule: OwnerRule): string {
  if (rule.kind === 'argument') return `the account named by \`${rule.argument}\``;
  if (rule.kind === 'resource') return `the owner of the ${rule.resource} named by \`${rule.argument}\``;
  return `the owner named by the object's \`${rule.property}\``;
}

const scopeList = (anyOf: ReadonlyArray<readonly string[]>) =>
  anyOf.map((set) => set.join(' and ')).join(' or ');

/**
 * One sentence for a field's description, from its policy: "Requires scope: users:read (or admin)." and
 * the like; undefined for a public field.
 */
export function policySentence(policy: Policy, closure: ScopeClosure): string | undefined {
  if (policy.kind === 'public') return undefined;
  const parts: string[] = [];
  const declared = policy.anyOf.filter((set) => set.length > 0);
  if (declared.length > 0) {
    const implied = expandRequirement(policy.anyOf, closure).filter(
      (set) =>
        !declared.some((own) => own.length === set.length && own.every((scope) => set.includes(scope))),
    );
    const noun = declared.length === 1 && declared[0]!.length === 1 ? 'scope' : 'scopes';
    const verb = implied.length === 1 && implied[0]!.length === 1 ? 'implies' : 'imply';
    const also = implied.length > 0 ? ` (${scopeList(implied)} ${verb} it)` : '';
    parts.push(`${noun} ${scopeList(declared)}${also}`);
  }
  if (policy.owner) parts.unshift(`being ${describeOwner(policy.owner)}`);
  let sentence =
    parts.length === 0
      ? 'Requires authentication'
      : `Requires ${parts.length === 2 ? `${parts[0]}, or ${parts[1]}` : parts[0]}`;
  if (policy.account === 'local') sentence += ', with a token issued by this API';
  if (policy.account === 'live') {
    const held = declared.length > 0 ? ' and still hold the scope' : '';
    sentence += `. Checked against the caller's account now: it must be active${held}`;
  }
  return `${sentence}.`;
}

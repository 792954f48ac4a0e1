import { expandScopes, type ScopeClosure } from '../scopes/hierarchy';
import { readScopes, scopeClaimOf } from './token-claims';

/** A token's scopes as its claim lists them, and every scope they grant. */
export interface ScopeSet {
  readonly scopes: readonly string[];
  readonly grantedScopes: ReadonlySet<string>;
}

/**
 * How many distinct scope texts are remembered. Tokens carry one of a few scope strings (one per role or
 * client), so this is never reached in practice; past it, scopes are simply read again for each token. A
 * text is at most a token's 4 096 characters, so the bound is a few MiB even for an issuer that writes a
 * different scope string into every token.
 */
const MAX_TEXTS = 1024;

/**
 * The scopes of verified tokens, read once per distinct scope text: with many users at once, every request
 * may bring a token that is not remembered (#26), and each would otherwise split, check, deduplicate and
 * expand the same few strings again. Only authentic claims reach it (after the signature check), and a
 * scope claim sent as an array is read afresh each time.
 */
export class ScopeSets {
  private readonly known = new Map<string, ScopeSet>();

  constructor(private readonly closure: ScopeClosure) {}

  /**
   * `readScopes(payload, claim)`, frozen, with its expansion.
   * @throws AuthError scope_invalid, as readScopes
   */
  of(payload: Record<string, unknown>, claim: string | undefined): ScopeSet {
    const text = scopeClaimOf(payload, claim);
    if (typeof text === 'string') {
      const known = this.known.get(text);
      if (known) return known;
    }
    const scopes = Object.freeze(readScopes(payload, claim));
    const set: ScopeSet = { scopes, grantedScopes: expandScopes(scopes, this.closure) };
    if (typeof text === 'string' && this.known.size < MAX_TEXTS) this.known.set(text, set);
    return set;
  }
}

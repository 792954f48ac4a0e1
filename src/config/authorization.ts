import { z } from 'zod';
import { isScopeToken, MAX_SCOPES } from '../scopes/scope-token';
import {
  closeHierarchy,
  HierarchyCycleError,
  type HierarchyEdges,
  mergeEdges,
  type ScopeClosure,
} from '../scopes/hierarchy';
import { BUILT_IN_HIERARCHY } from '../scopes/vocabulary';
import { type EnvReader } from './env-reader';

export interface AuthorizationConfig {
  /** SCOPE_HIERARCHY as the operator wrote it: scope → the scopes it implies. */
  readonly scopeHierarchy: HierarchyEdges;
  /** The built-in hierarchy (`admin` implies the API's scopes) and the operator's, closed transitively. */
  readonly scopeClosure: ScopeClosure;
}

/** How many scopes SCOPE_HIERARCHY may name as keys: a hierarchy, not a database. */
const MAX_HIERARCHY_ENTRIES = 256;

/**
 * SCOPE_HIERARCHY: a JSON object of scope → array of the scopes it implies, each an RFC 6749 scope token.
 * Every problem is named with the scope it concerns.
 */
const hierarchyShape = z.string().transform((text, ctx): HierarchyEdges => {
  const problem = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return problem('must be JSON, such as {"auditor":["audit:read"]}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return problem('must be a JSON object mapping each scope to the array of scopes it implies');
  }
  const entries = Object.entries(parsed);
  if (entries.length > MAX_HIERARCHY_ENTRIES)
    return problem(`must name at most ${MAX_HIERARCHY_ENTRIES} scopes`);
  for (const [scope, implied] of entries) {
    if (!isScopeToken(scope)) return problem(`${JSON.stringify(scope)} is not a scope token (RFC 6749 §3.3)`);
    if (!Array.isArray(implied) || implied.length > MAX_SCOPES || !implied.every(isScopeToken)) {
      return problem(`"${scope}" must map to an array of at most ${MAX_SCOPES} scope tokens`);
    }
  }
  return Object.fromEntries(entries);
});

/** SCOPE_HIERARCHY, merged with the built-in `admin` implications; a cycle is a problem. */
export function readAuthorization(env: EnvReader): AuthorizationConfig {
  const scopeHierarchy = env.read<HierarchyEdges>('SCOPE_HIERARCHY', hierarchyShape, {});
  let scopeClosure: ScopeClosure;
  try {
    scopeClosure = closeHierarchy(mergeEdges(BUILT_IN_HIERARCHY, scopeHierarchy));
  } catch (error) {
    if (!(error instanceof HierarchyCycleError)) throw error;
    env.problem(`SCOPE_HIERARCHY: ${error.message}`);
    scopeClosure = closeHierarchy(BUILT_IN_HIERARCHY);
  }
  return { scopeHierarchy, scopeClosure };
}

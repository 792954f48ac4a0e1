/*
 * Scope implication: `admin` implies `users:read`, an operator's `auditor` implies `audit:read`. The edges
 * are closed once, at startup, into scope → every scope it implies; a token's scopes are then expanded once,
 * when it is verified, so no decision ever walks the hierarchy.
 */

/** scope → the scopes it implies directly. */
export type HierarchyEdges = Readonly<Record<string, readonly string[]>>;

/** scope → every scope it implies, itself excluded, transitively; a scope that implies nothing is absent. */
export type ScopeClosure = ReadonlyMap<string, readonly string[]>;

export const NO_HIERARCHY: ScopeClosure = new Map();

/** Thrown by {@link closeHierarchy} for an implication that leads back to where it started. */
export class HierarchyCycleError extends Error {
  constructor(readonly cycle: readonly string[]) {
    super(`scope hierarchy has a cycle: ${cycle.join(' -> ')}`);
    this.name = 'HierarchyCycleError';
  }
}

/** Every edge of each graph, merged: a scope implies what any of them says it implies. */
export function mergeEdges(...graphs: readonly HierarchyEdges[]): HierarchyEdges {
  const merged = new Map<string, Set<string>>();
  for (const graph of graphs) {
    for (const [scope, implied] of Object.entries(graph)) {
      const into = merged.get(scope) ?? new Set<string>();
      for (const scopeImplied of implied) into.add(scopeImplied);
      merged.set(scope, into);
    }
  }
  return Object.fromEntries([...merged].map(([scope, implied]) => [scope, [...implied]]));
}

/**
 * The transitive closure of `edges`, by depth-first search from each scope.
 * @throws HierarchyCycleError naming the first cycle found (a scope implying itself counts)
 */
export function closeHierarchy(edges: HierarchyEdges): ScopeClosure {
  const closure = new Map<string, readonly string[]>();
  const visiting: string[] = [];
  const visit = (scope: string): readonly string[] => {
    const known = closure.get(scope);
    if (known) return known;
    const at = visiting.indexOf(scope);
    if (at >= 0) throw new HierarchyCycleError([...visiting.slice(at), scope]);
    visiting.push(scope);
    const implied = new Set<string>();
    for (const next of Object.hasOwn(edges, scope) ? edges[scope]! : []) {
      implied.add(next);
      for (const further of visit(next)) implied.add(further);
    }
    visiting.pop();
    const sorted = Object.freeze([...implied].sort());
    closure.set(scope, sorted);
    return sorted;
  };
  for (const scope of Object.keys(edges).sort()) visit(scope);
  for (const [scope, implied] of closure) if (implied.length === 0) closure.delete(scope);
  return closure;
}

/** `scopes` and every scope they imply: what a token holding them is granted. */
export function expandScopes(scopes: Iterable<string>, closure: ScopeClosure): ReadonlySet<string> {
  const granted = new Set<string>();
  for (const scope of scopes) {
    granted.add(scope);
    for (const implied of closure.get(scope) ?? []) granted.add(implied);
  }
  return granted;
}

/** The scopes that imply `scope` (not itself), sorted: who else is let in by a requirement of it. */
export function scopesImplying(scope: string, closure: ScopeClosure): string[] {
  return [...closure]
    .filter(([, implied]) => implied.includes(scope))
    .map(([holder]) => holder)
    .sort();
}

import { type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { applyMiddleware, type IMiddlewareTypeMap } from 'graphql-middleware';
import { allow, deny, type IRule, type IRules, rule, shield } from 'graphql-shield';
import { type RequestContext } from '../request-context';
import { type AccessFacts, decide, type Decision, NOT_EXPOSED } from './decide';
import { type PermissionMap } from './permission-map';
import { type Policy } from './policy';

type Rule = IRule | typeof allow;

export interface PermissionHooks {
  /** Told of each field the map refuses (`Type.field`), for metrics. */
  readonly onDenied?: (field: string) => void;
  /** Told of each decision (tracing records it on the request's span). */
  readonly onDecided?: (info: GraphQLResolveInfo, allowed: boolean, context: RequestContext) => void;
}

type RuleResult = true | Error | Promise<true | Error>;

// A rule that throws becomes shield's fallback error (NOT_EXPOSED): a database failure while deciding is
// returned as itself instead (SERVICE_UNAVAILABLE).
const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

function ruleFor(policy: Policy, name: string, facts: AccessFacts, hooks: PermissionHooks): Rule {
  const { onDenied, onDecided } = hooks;
  const settle = (decision: Decision, info: GraphQLResolveInfo, context: RequestContext): true | Error => {
    onDecided?.(info, !decision, context);
    if (!decision) return true;
    onDenied?.(`${info.parentType.name}.${info.fieldName}`);
    return decision;
  };
  // No closure per call on the way a token alone decides (`me`): the check allocates only the request.
  const check = (
    parent: unknown,
    args: Record<string, unknown>,
    context: RequestContext,
    info: GraphQLResolveInfo,
  ): RuleResult => {
    const decision = decide(policy, { identity: context.identity, args, parent, context }, facts);
    return decision instanceof Promise
      ? decision.then((settled) => settle(settled, info, context), asError)
      : settle(decision, info, context);
  };
  // 'no_cache': the token alone decides most fields in a few property reads, cheaper than shield's
  // per-request cache (bench/README.md); what needs the database is read once per request by the facts.
  return rule(name, { cache: 'no_cache' })(check);
}

/**
 * Wraps `schema` in the graphql-shield middleware for the permission map, denying everything it does not
 * name. Fields whose policy is public, and the open object types, are left unwrapped: shield would
 * otherwise put an async middleware, a promise per field, in front of every one of them, which is most of
 * the cost of a list query. Every other field keeps its rule, including the fallback deny.
 */
export function applyPermissions(
  schema: GraphQLSchema,
  map: PermissionMap,
  facts: AccessFacts,
  hooks: PermissionHooks = {},
): GraphQLSchema {
  const tree: Record<string, Rule | Record<string, Rule>> = {};
  // One rule per distinct policy: shield wants unique names, and equal policies may share one.
  const rules = new Map<string, Rule>();
  for (const [type, fields] of Object.entries(map.fields)) {
    tree[type] = Object.fromEntries(
      Object.entries(fields).map(([field, policy]) => {
        if (policy.kind === 'public') return [field, allow];
        const key = JSON.stringify(policy);
        let known = rules.get(key);
        if (!known) rules.set(key, (known = ruleFor(policy, `policy-${rules.size}`, facts, hooks)));
        return [field, known];
      }),
    );
  }
  for (const type of map.openTypes) tree[type] = allow;
  const generated = shield(tree as IRules, {
    fallbackRule: deny,
    fallbackError: NOT_EXPOSED,
    // Errors thrown by resolvers reach the client as they are instead of becoming the fallback error.
    allowExternalErrors: true,
  }).generate(schema) as Record<string, Record<string, unknown>>;

  for (const type of map.openTypes) delete generated[type];
  for (const [type, fields] of Object.entries(map.fields)) {
    for (const [field, policy] of Object.entries(fields)) {
      if (policy.kind === 'public') delete generated[type]?.[field];
    }
  }
  return applyMiddleware(schema, generated as IMiddlewareTypeMap);
}

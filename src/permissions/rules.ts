import { type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { applyMiddleware, type IMiddlewareTypeMap } from 'graphql-middleware';
import { allow, deny, type IRule, type IRules, rule, shield } from 'graphql-shield';
import { type RequestContext } from '../request-context';
import { accessRefusal, NOT_EXPOSED } from './access-check';
import { type Access, OPEN_TYPES, ROOT_PERMISSIONS } from './permission-map';

type Rule = IRule | typeof allow;

export interface PermissionHooks {
  /** Told of each field the map refuses (`Type.field`), for metrics. */
  readonly onDenied?: (field: string) => void;
  /** Runs each check (tracing puts it in a span). */
  readonly traceCheck?: <T>(field: string, check: () => T) => T;
}

function ruleFor(access: Access, rules: Map<string, Rule>, hooks: PermissionHooks): Rule {
  const { onDenied, traceCheck } = hooks;
  if (access.kind === 'public') return allow;
  const name = `authenticated:${access.scopes.join(' ')}`;
  // One rule per requirement: shield wants unique names, and its per-request cache is then shared too.
  const known = rules.get(name);
  if (known) return known;
  // 'no_cache': the check is a few property reads, cheaper than shield's per-request cache
  // (bench/README.md); it guards root fields only, so it runs at most once per root field.
  const created = rule(name, { cache: 'no_cache' })((
    _parent,
    _args,
    context: RequestContext,
    info: GraphQLResolveInfo,
  ) => {
    const decide = () => {
      const refusal = accessRefusal(access, context.identity);
      if (!refusal) return true;
      onDenied?.(`${info.parentType.name}.${info.fieldName}`);
      return refusal;
    };
    return traceCheck ? traceCheck(`${info.parentType.name}.${info.fieldName}`, decide) : decide();
  });
  rules.set(name, created);
  return created;
}

/**
 * Wraps `schema` in the graphql-shield middleware for the permission map, denying everything it does not
 * name. Fields whose rule is `allow` (public root fields, the open object types) are left unwrapped:
 * shield would otherwise put an async middleware, a promise per field, in front of every one of them,
 * which is most of the cost of a list query. Every other field keeps its rule, including the fallback deny.
 */
export function applyPermissions(schema: GraphQLSchema, hooks: PermissionHooks = {}): GraphQLSchema {
  const tree: Record<string, Rule | Record<string, Rule>> = {};
  const rules = new Map<string, Rule>();
  for (const [type, fields] of Object.entries(ROOT_PERMISSIONS)) {
    tree[type] = Object.fromEntries(
      Object.entries(fields).map(([field, access]) => [field, ruleFor(access, rules, hooks)]),
    );
  }
  for (const type of OPEN_TYPES) tree[type] = allow;
  const generated = shield(tree as IRules, {
    fallbackRule: deny,
    fallbackError: NOT_EXPOSED,
    // Errors thrown by resolvers reach the client as they are instead of becoming the fallback error.
    allowExternalErrors: true,
  }).generate(schema) as Record<string, Record<string, unknown>>;

  for (const type of OPEN_TYPES) delete generated[type];
  for (const [type, fields] of Object.entries(ROOT_PERMISSIONS)) {
    for (const [field, access] of Object.entries(fields)) {
      if (access.kind === 'public') delete generated[type]?.[field];
    }
  }
  return applyMiddleware(schema, generated as IMiddlewareTypeMap);
}

import { type GraphQLSchema } from 'graphql';
import { applyMiddleware, type IMiddlewareTypeMap } from 'graphql-middleware';
import { allow, deny, type IRule, type IRules, rule, shield } from 'graphql-shield';
import { missingScopes } from '../auth/scopes';
import { AppError, AuthError, ForbiddenError } from '../errors';
import { type RequestContext } from '../request-context';
import { type Access, OPEN_TYPES, ROOT_PERMISSIONS } from './permission-map';

// A rule's refusal is one of our errors: graphql-js wraps it, and the error formatter gives it its code.
const authenticationRequired = new AuthError('AUTHENTICATION_REQUIRED');

/** A field nobody was given access to on purpose. */
const notExposed = new AppError('FORBIDDEN');

type Rule = IRule | typeof allow;

function ruleFor(access: Access, rules: Map<string, Rule>): Rule {
  if (access.kind === 'public') return allow;
  const required = access.scopes;
  const name = `authenticated:${required.join(' ')}`;
  // One rule per requirement: shield wants unique names, and its per-request cache is then shared too.
  const known = rules.get(name);
  if (known) return known;
  // 'no_cache': the check is a few property reads, cheaper than shield's per-request cache
  // (bench/README.md); it guards root fields only, so it runs at most once per root field.
  const created = rule(name, { cache: 'no_cache' })((_parent, _args, context: RequestContext) => {
    const { identity } = context;
    if (!identity.authenticated) return authenticationRequired;
    const missing = missingScopes(identity.scopes, required);
    if (missing.length === 0) return true;
    return new ForbiddenError(`Missing required scope: ${missing.join(', ')}.`, required, missing);
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
export function applyPermissions(schema: GraphQLSchema): GraphQLSchema {
  const tree: Record<string, Rule | Record<string, Rule>> = {};
  const rules = new Map<string, Rule>();
  for (const [type, fields] of Object.entries(ROOT_PERMISSIONS)) {
    tree[type] = Object.fromEntries(
      Object.entries(fields).map(([field, access]) => [field, ruleFor(access, rules)]),
    );
  }
  for (const type of OPEN_TYPES) tree[type] = allow;
  const generated = shield(tree as IRules, {
    fallbackRule: deny,
    fallbackError: notExposed,
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

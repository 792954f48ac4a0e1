import {
  type FastifyInstance,
  type onRequestHookHandler,
  type preHandlerHookHandler,
  type RouteOptions,
} from 'fastify';

type Hooks = Pick<RouteOptions, 'onRequest' | 'preHandler'>;

/**
 * Adds `hook` to the GraphQL route alone, as a route-level hook: no other route runs it, and it need not
 * ask each request which route it is on (`request.routeOptions` builds an object on every read). Call it
 * before the route is registered; it runs after the application's hooks of the same name.
 */
export function addGraphQLRouteHook(
  app: FastifyInstance,
  name: 'onRequest',
  hook: onRequestHookHandler,
): void;
export function addGraphQLRouteHook(
  app: FastifyInstance,
  name: 'preHandler',
  hook: preHandlerHookHandler,
): void;
export function addGraphQLRouteHook(
  app: FastifyInstance,
  name: keyof Hooks,
  hook: onRequestHookHandler | preHandlerHookHandler,
): void {
  app.addHook('onRoute', (route) => {
    if (route.url !== '/graphql') return;
    const hooks = route as Hooks as Record<keyof Hooks, unknown>;
    const existing = hooks[name];
    const before: unknown[] = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
    hooks[name] = [...before, hook];
  });
}

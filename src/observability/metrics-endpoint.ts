import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { type PrometheusMetrics } from './prometheus-metrics';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * GET /metrics for Prometheus. With `token`, only for a caller presenting it as a bearer token: compared in
 * constant time (as digests, so the length does not leak either), and a refusal says nothing but 401.
 */
export function metricsHandler(metrics: PrometheusMetrics, token?: string) {
  const expected = token === undefined ? undefined : digest(`Bearer ${token}`);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (expected) {
      const presented = request.headers.authorization;
      if (typeof presented !== 'string' || !timingSafeEqual(digest(presented), expected)) {
        return reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').send();
      }
    }
    const { contentType, body } = await metrics.scrape();
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  };
}

/**
 * The metrics listener of METRICS_PORT: GET /metrics and nothing else, apart from the API so that the
 * port can stay on the private network while the API's is public. Not listening; src/index.ts listens.
 */
export function createMetricsServer(metrics: PrometheusMetrics): FastifyInstance {
  const app = Fastify();
  app.get('/metrics', metricsHandler(metrics));
  return app;
}

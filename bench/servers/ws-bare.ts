import 'reflect-metadata';
import { createServer as createHttpServer } from 'node:http';
import { OperationTypeNode } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { type LiveRoot } from '../../src/graphql/events.resolver';
import { buildWiredSchema } from '../../src/graphql/schema';
import { auditEventStream } from '../../src/realtime/event-stream';
import { announce } from '../fixtures';
import { seededServices } from '../seed';
import { deliverOnRequest } from './live-events';

/**
 * (2ws) A bare graphql-ws server on the same schema and the same event source: no token, no permission
 * map, no limits. What (1)'s subscription layer costs is the difference.
 */
async function main(): Promise<void> {
  const { services, logger, runtime } = await seededServices();
  const schema = await buildWiredSchema({ ...services, logger }, runtime.config.authorization.scopeClosure);
  const root: LiveRoot = { events: (accept) => auditEventStream(services.audit, accept, 256) };
  const http = createHttpServer();
  useServer(
    {
      schema,
      roots: { [OperationTypeNode.SUBSCRIPTION]: root as unknown as Record<string, never> },
      context: { identity: { authenticated: false } },
    },
    new WebSocketServer({ server: http, path: '/graphql' }),
  );
  deliverOnRequest(services.audit);
  http.listen(0, '127.0.0.1', () => {
    const { port } = http.address() as { port: number };
    announce(`http://127.0.0.1:${port}/graphql`);
  });
}

void main();

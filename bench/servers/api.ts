import 'reflect-metadata';
import { announce } from '../fixtures';
import { seededApi } from '../seed';
import { deliverOnRequest } from './live-events';

/** (1) The API as shipped: fastify, Apollo, token verification, shield rules, production mode. */
async function main(): Promise<void> {
  const { app, services } = await seededApi();
  deliverOnRequest(services.audit);
  announce(`${await app.listen({ host: '127.0.0.1', port: 0 })}/graphql`);
}

void main();

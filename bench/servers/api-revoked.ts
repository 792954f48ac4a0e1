import 'reflect-metadata';
import { createServer } from '../../src/server';
import { announce } from '../fixtures';
import { seededApi } from '../seed';

/** (1r) (1) holding 10 000 live revocations, none of them the benchmark token's. */
async function main(): Promise<void> {
  const { runtime, services, logger } = await seededApi({ revocations: 10_000 });
  const app = await createServer(runtime.config, { logger, tokens: runtime.tokens, ...services });
  announce(`${await app.listen({ host: '127.0.0.1', port: 0 })}/graphql`);
}

void main();

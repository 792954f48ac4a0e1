import 'reflect-metadata';
import { announce } from '../fixtures';
import { seededApi } from '../seed';

/** (1r) (1) holding 10 000 live revocations, none of them the benchmark token's. */
async function main(): Promise<void> {
  const { app } = await seededApi({ revocations: 10_000 });
  announce(`${await app.listen({ host: '127.0.0.1', port: 0 })}/graphql`);
}

void main();

import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UNWIRED_RESOLVERS } from '../graphql/resolvers';
import { buildApiSchema, printSortedSchema } from '../graphql/schema';
import { defineApi } from '../modules/api-definition';
import { closeHierarchy } from '../scopes/hierarchy';
import { BUILT_IN_HIERARCHY } from '../scopes/vocabulary';

const SCHEMA_FILE = resolve(__dirname, '../../schema/schema.graphql');

/**
 * `npm run schema` writes schema/schema.graphql; `--check` fails when the committed file has drifted. The
 * committed SDL is the registered modules' API with the built-in scope hierarchy alone, whatever
 * SCOPE_HIERARCHY says here: an operator's own hierarchy is published live, by `permissions` and in each
 * field's description.
 */
async function main(check: boolean): Promise<number> {
  const api = defineApi();
  const closure = closeHierarchy(BUILT_IN_HIERARCHY);
  const sdl = printSortedSchema(await buildApiSchema(UNWIRED_RESOLVERS, api, closure), api, closure);
  if (!check) {
    writeFileSync(SCHEMA_FILE, sdl);
    process.stderr.write(`wrote ${SCHEMA_FILE}\n`);
    return 0;
  }
  let committed = '';
  try {
    committed = readFileSync(SCHEMA_FILE, 'utf8');
  } catch {
    // a missing file is drift too
  }
  if (committed === sdl) return 0;
  process.stderr.write('schema/schema.graphql is out of date: run `npm run schema` and commit the result\n');
  return 1;
}

main(process.argv.includes('--check')).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);

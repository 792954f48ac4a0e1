import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { parseConfig } from '../config';
import { describeError } from '../errors';
import { defineApi } from '../modules/api-definition';
import { accessMatrix, renderMatrix } from '../permissions/access-matrix';
import { closeHierarchy, type ScopeClosure } from '../scopes/hierarchy';
import { BUILT_IN_HIERARCHY } from '../scopes/vocabulary';
import { readCommandLine } from './command-line';

const MATRIX_FILE = resolve(__dirname, '../../docs/authorization.md');

const USAGE = `usage: npm run -s authz:matrix [-- --check]

Prints the access matrix (every root field against every kind of caller) as Markdown, with the scope
hierarchy this environment configures (SCOPE_HIERARCHY, from .env too).
  --check   compare the matrix of the built-in configuration with docs/authorization.md; exit 1 on drift
            (regenerate with: npm run -s authz:matrix > docs/authorization.md, without SCOPE_HIERARCHY)`;

async function render(closure: ScopeClosure): Promise<string> {
  const api = defineApi();
  const vocabulary = [...Object.keys(api.scopes), ...closure.keys(), ...[...closure.values()].flat()];
  return renderMatrix(await accessMatrix(api.permissions, vocabulary, closure));
}

async function main(argv: string[]): Promise<number> {
  const parsed = readCommandLine(argv, { check: { type: 'boolean' } }, USAGE);
  if ('exitCode' in parsed) return parsed.exitCode;
  if (!parsed.values.check) {
    loadDotenv({ quiet: true });
    process.stdout.write(await render(parseConfig(process.env).authorization.scopeClosure));
    return 0;
  }
  const expected = await render(closeHierarchy(BUILT_IN_HIERARCHY));
  let committed = '';
  try {
    committed = readFileSync(MATRIX_FILE, 'utf8');
  } catch {
    // a missing file is drift too
  }
  if (committed === expected) return 0;
  process.stderr.write(
    'docs/authorization.md is out of date: run `npm run -s authz:matrix > docs/authorization.md` and commit it\n',
  );
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`${describeError(error)}\n`);
    process.exitCode = 1;
  },
);

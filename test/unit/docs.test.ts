import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, ERROR_TABLE, FORBIDDEN_REASONS } from '../../src/errors';
import { API_PERMISSIONS, ROOT_TYPES } from '../../src/permissions/permission-map';
import { API_SCOPES } from '../../src/scopes/vocabulary';

// The README and .env.example are read by operators and client authors: they must say what the code does.
const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const envExample = readFileSync(join(root, '.env.example'), 'utf8');

/** The rows of the first Markdown table after `heading` in `page` (the README), as arrays of trimmed cells. */
function tableAfter(heading: string, page = readme): string[][] {
  const lines = page.slice(page.indexOf(heading)).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const last = lines.findIndex((line, index) => index > first && !line.startsWith('|'));
  return lines.slice(first + 2, last).map((line) =>
    line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim()),
  );
}

/** Every variable the configuration reads (src/config.ts and src/config/): the key of each EnvReader call. */
function variablesRead(): string[] {
  const folder = join(root, 'src', 'config');
  const files = [join(root, 'src', 'config.ts'), ...readdirSync(folder).map((file) => join(folder, file))];
  const source = files.map((file) => readFileSync(file, 'utf8')).join('\n');
  return [
    ...new Set(
      [...source.matchAll(/env\.(?:read|text|raw)(?:<[^>]+>)?\(\s*'([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1]!),
    ),
  ].sort();
}

describe('the README error table', () => {
  const rows = tableAfter('## Errors');

  it('lists every code, with the HTTP status the error table gives it', () => {
    for (const code of ERROR_CODES) {
      const statuses = new Set(rows.filter((row) => row[1] === `\`${code}\``).map((row) => row[0]));
      expect([code, [...statuses]]).toEqual([code, [String(ERROR_TABLE[code].status ?? 200)]]);
    }
  });

  it('lists no code the API does not have', () => {
    const documented = new Set(rows.map((row) => row[1]!.replace(/`/g, '')));
    expect([...documented].filter((code) => !(ERROR_CODES as readonly string[]).includes(code))).toEqual([]);
  });
});

describe('the configuration documents', () => {
  const variables = variablesRead();

  it('finds the variables the code reads', () => {
    expect(variables).toEqual(
      expect.arrayContaining(['NODE_ENV', 'SIGNING_KEY', 'TRUSTED_ISSUERS', 'JWT_TTL']),
    );
  });

  it('has one README row naming each variable, and none the code does not read', () => {
    const named = tableAfter('## Configuration').flatMap((row) =>
      [...row[0]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!),
    );
    expect([...named].sort()).toEqual(variables);
  });

  it('shows each variable once in .env.example, and none the code does not read', () => {
    const shown = [...envExample.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
    expect([...shown].sort()).toEqual(variables);
  });
});

describe('the permissions page', () => {
  const page = readFileSync(join(root, 'docs', 'permissions.md'), 'utf8');
  const rowsOf = (heading: string) => tableAfter(heading, page);

  it('lists every scope of the vocabulary, and none other', () => {
    const listed = rowsOf('## Scopes and the hierarchy').map((row) => row[0]!.replace(/`/g, ''));
    expect(listed.sort()).toEqual(Object.keys(API_SCOPES).sort());
  });

  it('explains every FORBIDDEN reason', () => {
    const reasons = rowsOf('## Refusals').map((row) => row[2]!.replace(/`/g, ''));
    expect(FORBIDDEN_REASONS.filter((reason) => !reasons.includes(reason))).toEqual([]);
  });

  it('names every root field of the API with its policy', () => {
    const named = rowsOf("The API's own fields").flatMap((row) =>
      [...row[0]!.matchAll(/`(\w+)/g)].map((m) => m[1]!),
    );
    const fields = ROOT_TYPES.flatMap((type) => Object.keys(API_PERMISSIONS.fields[type] ?? {}));
    expect(fields.filter((field) => !named.includes(field))).toEqual([]);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { astFromValue, buildSchema, type GraphQLField, type GraphQLObjectType, print } from 'graphql';
import { ERROR_CODES, ERROR_TABLE, FORBIDDEN_REASONS } from '../../src/errors';
import { API_PERMISSIONS, ROOT_TYPES } from '../../src/permissions/permission-map';
import { API_SCOPES } from '../../src/scopes/vocabulary';

// The docs and .env.example are read by operators, client authors and newcomers: they must say what the code does.
const root = join(__dirname, '..', '..');
const doc = (name: string) => readFileSync(join(root, 'docs', name), 'utf8');
const envExample = readFileSync(join(root, '.env.example'), 'utf8');

/** The rows of the first Markdown table after `heading` in `page`, as arrays of trimmed cells. */
function tableAfter(heading: string, page: string): string[][] {
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

/** The lines of the first fenced code block after `heading` in `page`. */
function codeAfter(heading: string, page: string): string[] {
  const lines = page.slice(page.indexOf(heading)).split('\n');
  const first = lines.findIndex((line) => line.startsWith('```'));
  const last = lines.findIndex((line, index) => index > first && line.startsWith('```'));
  return lines.slice(first + 1, last);
}

describe('the error table (docs/errors.md)', () => {
  const rows = tableAfter('## Error codes', doc('errors.md'));

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

  it('has one row of docs/configuration.md naming each variable, and none the code does not read', () => {
    const named = tableAfter('## Variables', doc('configuration.md')).flatMap((row) =>
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

describe('the layout (docs/architecture.md)', () => {
  const layout = codeAfter('Layout', doc('architecture.md')).join('\n');

  it('names every folder and top-level file of src/', () => {
    const entries = readdirSync(join(root, 'src'), { withFileTypes: true }).map((entry) =>
      entry.isDirectory() ? `src/${entry.name}/` : `src/${entry.name}`,
    );
    expect(entries.filter((entry) => !layout.includes(entry))).toEqual([]);
  });
});

describe('the schema excerpt (docs/clients.md)', () => {
  const schema = buildSchema(readFileSync(join(root, 'schema', 'schema.graphql'), 'utf8'), {
    assumeValidSDL: true,
  });
  const signature = (field: GraphQLField<unknown, unknown>) => {
    const args = field.args.map((arg) => {
      const value = arg.defaultValue === undefined ? undefined : astFromValue(arg.defaultValue, arg.type);
      return `${arg.name}: ${String(arg.type)}${value ? ` = ${print(value)}` : ''}`;
    });
    return `${field.name}${args.length > 0 ? `(${args.join(', ')})` : ''}: ${String(field.type)}`;
  };
  /** The committed SDL sorts arguments by name; the excerpt keeps the resolvers' order. */
  const sortArguments = (line: string) =>
    line.replace(/\(([^)]*)\)/, (_, args: string) => `(${args.split(', ').sort().join(', ')})`);
  /** The excerpt's fields per root type, comments dropped; a field without a line keeps the type's last. */
  const excerpt = new Map<string, string[]>();
  let current = '';
  for (const line of codeAfter('## Schema', doc('clients.md'))) {
    const text = line.replace(/#.*$/, '').trim();
    const opened = /^type (\w+) \{$/.exec(text);
    if (opened) excerpt.set((current = opened[1]!), []);
    else if (text && text !== '}') excerpt.get(current)!.push(sortArguments(text));
  }

  it.each(['Query', 'Mutation', 'Subscription'])('shows every %s field as the schema has it', (type) => {
    const fields = Object.values((schema.getType(type) as GraphQLObjectType).getFields());
    expect([...(excerpt.get(type) ?? [])].sort()).toEqual(
      fields.map((field) => sortArguments(signature(field))).sort(),
    );
  });
});

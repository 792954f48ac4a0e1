import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { type DocumentNode, Kind, parse, print } from 'graphql';

const SECURITY = new Set(['authenticated', 'requiresScopes', 'policy']);

/** `Type.field` → its authorization directives as written, for every object field that has any. */
function guards(document: DocumentNode): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    for (const field of definition.fields ?? []) {
      const applied = (field.directives ?? [])
        .filter((directive) => SECURITY.has(directive.name.value))
        .map((directive) => print(directive));
      if (applied.length > 0) found.set(`${definition.name.value}.${field.name.value}`, applied);
    }
  }
  return found;
}

describe('publishing the committed SDL to a graph', () => {
  const sdl = readFileSync(join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8');

  // What `rover subgraph publish --schema schema/schema.graphql` hands GraphOS, which composes it with the
  // same library into the supergraph a Router runs.
  const composed = composeServices([
    { name: 'api', typeDefs: parse(sdl), url: 'https://api.example.com/graphql' },
  ]);

  it('composes as a Federation 2 subgraph', () => {
    expect(composed.errors?.map((error) => error.message)).toBeUndefined();
  });

  it('keeps every field rule in the supergraph, so a Router enforces the same scopes', () => {
    const supergraph = parse(composed.supergraphSdl!);
    const published = guards(parse(sdl));
    expect(published.size).toBeGreaterThan(10);
    expect(guards(supergraph)).toEqual(published);
    // The Router learns the directives from the supergraph's links, marked for security.
    expect(composed.supergraphSdl).toContain(
      '@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)',
    );
  });
});

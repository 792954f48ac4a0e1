import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { announce, QUERIES } from '../fixtures';
import { seededApi } from '../seed';

/**
 * (1d) (1) with TRUSTED_DOCUMENTS=only and a manifest of the benchmark's queries; its load sends their ids
 * (load.ts), so no request carries a document's text and none is parsed or validated.
 */
async function main(): Promise<void> {
  const manifest = join(mkdtempSync(join(tmpdir(), 'bench-manifest-')), 'manifest.json');
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  writeFileSync(
    manifest,
    JSON.stringify(Object.fromEntries(Object.values(QUERIES).map((query) => [sha256(query), query]))),
  );
  const { app } = await seededApi({
    env: { TRUSTED_DOCUMENTS: 'only', TRUSTED_DOCUMENTS_MANIFESTS: manifest },
  });
  announce(`${await app.listen({ host: '127.0.0.1', port: 0 })}/graphql`);
}

void main();

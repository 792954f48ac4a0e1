import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { type TrustedDocumentsConfig } from '../config/trusted-documents';
import { isJsonObject } from '../json-object';

/*
 * Trusted documents (persisted documents, safelisting): the operations first-party clients ship, known by
 * id. Manifests are loaded at startup, one per client app and version; a manifest that cannot be trusted
 * stops startup with a message naming the file and the entry.
 */

/** Longest document accepted from a manifest; the API's own are a few hundred characters. */
const MAX_DOCUMENT_LENGTH = 100_000;
const ID = /^[A-Za-z0-9_:.-]{1,128}$/;
const SHA256 = /^[0-9a-f]{64}$/;

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Thrown by {@link loadTrustedDocuments}: what is wrong, where. */
export class ManifestError extends Error {
  constructor(file: string, problem: string) {
    super(`trusted documents manifest ${file}: ${problem}`);
    this.name = 'ManifestError';
  }
}

export interface TrustedDocuments {
  /** The document text of `id` (a manifest's key, or `sha256:<hash>`); undefined when none is known. */
  get(id: string): string | undefined;
  /** Every known document text, once each. */
  texts(): Iterable<string>;
  readonly size: number;
}

/**
 * The entries of one manifest: GraphQL Code Generator's client preset (`{ "<hash>": "<document>" }`) or
 * Apollo's persisted query manifest (`{ "format": "apollo-persisted-query-manifest", "version": 1,
 * "operations": [{ "id", "body", … }] }`, what Apollo Kotlin, Apollo iOS and Apollo's generators write).
 */
function entriesOf(file: string, manifest: unknown): Array<[string, unknown]> {
  if (!isJsonObject(manifest)) throw new ManifestError(file, 'not a JSON object');
  if (manifest.format === undefined) return Object.entries(manifest);
  if (manifest.format !== 'apollo-persisted-query-manifest' || manifest.version !== 1) {
    throw new ManifestError(file, 'an unknown format (expected apollo-persisted-query-manifest, version 1)');
  }
  if (!Array.isArray(manifest.operations)) throw new ManifestError(file, '"operations" is not a list');
  return manifest.operations.map((operation: unknown, index) => {
    if (!isJsonObject(operation) || typeof operation.id !== 'string') {
      throw new ManifestError(file, `operation ${index} has no string "id"`);
    }
    return [operation.id, operation.body];
  });
}

function checkEntry(file: string, id: string, body: unknown): string {
  if (!ID.test(id)) throw new ManifestError(file, `"${id.slice(0, 40)}" is not a usable id`);
  if (typeof body !== 'string' || body.length === 0 || body.length > MAX_DOCUMENT_LENGTH) {
    throw new ManifestError(
      file,
      `${id}: the document must be a string of 1-${MAX_DOCUMENT_LENGTH} characters`,
    );
  }
  // An id that is a SHA-256 must be the document's: a client could otherwise send one text's id and
  // believe it runs another.
  if (SHA256.test(id) && sha256(body) !== id) {
    throw new ManifestError(file, `${id}: the id is not the SHA-256 of its document`);
  }
  try {
    parse(body, { noLocation: true });
  } catch (error) {
    throw new ManifestError(file, `${id}: the document does not parse (${(error as Error).message})`);
  }
  return body;
}

/**
 * Reads and checks every manifest in `files`.
 * @throws ManifestError when a file is missing, not JSON, of an unknown shape, or holds an entry whose id
 * is malformed or not its document's hash, whose document does not parse, or that another manifest gives
 * another document
 */
export function loadTrustedDocuments(files: readonly string[]): TrustedDocuments {
  const documents = new Map<string, string>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ManifestError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    let manifest: unknown;
    try {
      manifest = JSON.parse(text);
    } catch {
      throw new ManifestError(file, 'not JSON');
    }
    for (const [id, body] of entriesOf(file, manifest)) {
      const document = checkEntry(file, id, body);
      const known = documents.get(id);
      if (known !== undefined && known !== document) {
        throw new ManifestError(file, `${id}: another manifest gives this id another document`);
      }
      documents.set(id, document);
    }
  }
  return {
    get: (id) => documents.get(id.startsWith('sha256:') ? id.slice('sha256:'.length) : id),
    texts: () => new Set(documents.values()),
    size: documents.size,
  };
}

/**
 * The trusted documents configuration asks for: none when off; the named manifests; or the client
 * package's, which a process started outside a checkout may not have (then none, except in `only` mode).
 * @throws ManifestError as {@link loadTrustedDocuments}
 */
export function trustedDocumentsFor(config: TrustedDocumentsConfig): TrustedDocuments | undefined {
  if (config.mode === 'off') return undefined;
  if (!config.manifestsNamed && !existsSync(config.manifests[0]!)) {
    if (config.mode === 'allow') return undefined;
    throw new ManifestError(
      config.manifests[0]!,
      'not found: name the manifests in TRUSTED_DOCUMENTS_MANIFESTS',
    );
  }
  return loadTrustedDocuments(config.manifests);
}

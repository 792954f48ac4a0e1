import { z } from 'zod';
import { commaList, type EnvReader, flag } from './env-reader';

export const TRUSTED_DOCUMENTS_MODES = ['off', 'allow', 'only'] as const;
export type TrustedDocumentsMode = (typeof TRUSTED_DOCUMENTS_MODES)[number];

/** The manifest the client package ships (codegen's persisted documents), used when none is named. */
export const SDK_MANIFEST = 'clients/typescript/src/generated/persisted-documents.json';

export interface TrustedDocumentsConfig {
  /**
   * off: documents are not looked up by id (APQ still works); allow: known ids run their trusted document
   * and anything else works as before; only: nothing but a known id runs.
   */
  readonly mode: TrustedDocumentsMode;
  /** Manifest files, one per client app and version; read at startup. */
  readonly manifests: readonly string[];
  /** Whether the manifests were named, or are the SDK's default (which may be absent outside a checkout). */
  readonly manifestsNamed: boolean;
  /** In `only` mode, documents selecting nothing but introspection still run (where INTROSPECTION is on). */
  readonly allowIntrospection: boolean;
}

/** TRUSTED_DOCUMENTS, TRUSTED_DOCUMENTS_MANIFESTS, TRUSTED_DOCUMENTS_INTROSPECTION. */
export function readTrustedDocuments(env: EnvReader, production: boolean): TrustedDocumentsConfig {
  const mode = env.read<TrustedDocumentsMode>(
    'TRUSTED_DOCUMENTS',
    z.enum(TRUSTED_DOCUMENTS_MODES),
    production ? 'off' : 'allow',
  );
  const named = env.read<string[] | undefined>(
    'TRUSTED_DOCUMENTS_MANIFESTS',
    z.string().transform(commaList),
    undefined,
  );
  if (mode === 'only' && !named?.length && production) {
    env.problem('TRUSTED_DOCUMENTS=only: name the manifests in TRUSTED_DOCUMENTS_MANIFESTS');
  }
  return {
    mode,
    manifests: named?.length ? named : [SDK_MANIFEST],
    manifestsNamed: Boolean(named?.length),
    allowIntrospection: env.read('TRUSTED_DOCUMENTS_INTROSPECTION', flag, true),
  };
}

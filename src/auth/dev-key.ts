import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type SigningKeyConfig } from '../config';

export const DEV_KEY_ID = 'dev';
export const DEV_KEY_FILE = 'dev-signing-key.json';

/**
 * Reads the development signing key from `<dataDir>/dev-signing-key.json`, creating it on first use.
 * The server and the token CLI both come through here, so a CLI token works against a dev server.
 * @throws Error when the file exists but is not a key this function wrote
 */
export function loadOrCreateDevKey(dataDir: string): SigningKeyConfig {
  const file = join(dataDir, DEV_KEY_FILE);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const fresh = { id: DEV_KEY_ID, secret: randomBytes(48).toString('base64url') };
  try {
    // 'wx' fails if the file exists, so a server and a CLI starting together cannot overwrite each other.
    writeFileSync(file, `${JSON.stringify(fresh)}\n`, { flag: 'wx', mode: 0o600 });
    return fresh;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  let stored: unknown;
  try {
    stored = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    stored = undefined;
  }
  if (
    typeof stored !== 'object' ||
    stored === null ||
    (stored as SigningKeyConfig).id !== DEV_KEY_ID ||
    typeof (stored as SigningKeyConfig).secret !== 'string' ||
    (stored as SigningKeyConfig).secret.length < 32
  ) {
    throw new Error(`${file} is not a development signing key; delete it to generate a new one`);
  }
  return { id: DEV_KEY_ID, secret: (stored as SigningKeyConfig).secret };
}

import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_KEY_FILE, loadOrCreateDevKey } from '../../src/auth/dev-key';
import { loadKeyRing } from '../../src/auth/signing-keys';
import { parseConfig } from '../../src/config';

describe('development signing key', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'dev-key-'));

  it('is generated once, private to the user, and then reused', () => {
    const dataDir = join(dir(), 'nested');
    const first = loadOrCreateDevKey(dataDir);
    expect(first.id).toBe('dev');
    expect(Buffer.byteLength(first.secret)).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dataDir, DEV_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateDevKey(dataDir)).toEqual(first);
  });

  it('refuses a file it did not write, without echoing its content', () => {
    const dataDir = dir();
    writeFileSync(join(dataDir, DEV_KEY_FILE), 'secret-looking garbage');
    expect(() => loadOrCreateDevKey(dataDir)).toThrow(/is not a development signing key; delete it/);
    expect(() => loadOrCreateDevKey(dataDir)).not.toThrow(/garbage/);
  });

  it('is used only when no key is configured', () => {
    const dataDir = dir();
    expect(loadKeyRing(parseConfig({ DATA_DIR: dataDir })).usesDevKey).toBe(true);
    const configured = loadKeyRing(parseConfig({ DATA_DIR: dataDir, SIGNING_KEY: 'k'.repeat(32) }));
    expect(configured).toMatchObject({ usesDevKey: false, keyRing: { active: { id: 'default' } } });
    expect(readFileSync(join(dataDir, DEV_KEY_FILE), 'utf8')).toContain('"id":"dev"');
  });
});

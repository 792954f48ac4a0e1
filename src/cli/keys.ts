import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { asymmetricKey } from '../auth/asymmetric-keys';
import { readCommandLine } from './command-line';

const USAGE = `Usage: npm run keys:generate -- --alg RS256|ES256 [--out <folder>]

Writes a new key pair as PEM: <kid>.private.pem (mode 0600) and <kid>.public.pem, in --out (default
.data/keys). The kid is the key's RFC 7638 thumbprint. Prints the settings that sign with it.`;

/** Entry point of `npm run keys:generate`. */
function main(argv: string[]): number {
  const line = readCommandLine(argv, { alg: { type: 'string' }, out: { type: 'string' } }, USAGE);
  if ('exitCode' in line) return line.exitCode;
  const { values } = line;
  if (values.alg !== 'RS256' && values.alg !== 'ES256') {
    process.stderr.write(`--alg must be RS256 or ES256\n\n${USAGE}\n`);
    return 2;
  }
  const pair =
    values.alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const key = asymmetricKey(values.alg, pair.privateKey);
  const folder = resolve(values.out ?? join('.data', 'keys'));
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const privatePath = join(folder, `${key.id}.private.pem`);
  const publicPath = join(folder, `${key.id}.public.pem`);
  writeFileSync(privatePath, pair.privateKey.export({ format: 'pem', type: 'pkcs8' }), {
    mode: 0o600,
    flag: 'wx',
  });
  writeFileSync(publicPath, pair.publicKey.export({ format: 'pem', type: 'spki' }), { flag: 'wx' });
  process.stdout.write(
    `${JSON.stringify({ kid: key.id, alg: values.alg, privateKey: privatePath, publicKey: publicPath })}\n`,
  );
  process.stderr.write(
    `To sign with it:\n  SIGNING_ALGORITHM=${values.alg}\n  SIGNING_PRIVATE_KEY_FILE=${privatePath}\n` +
      `To rotate, list old and new: SIGNING_PRIVATE_KEYS=<old kid>=<old file>,${key.id}=${privatePath}\n`,
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));

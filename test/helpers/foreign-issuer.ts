import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';

/**
 * Another identity provider this API is told to trust (TRUSTED_ISSUERS with a public key file): its
 * environment, and tokens it signs for any subject and scopes.
 */
export function foreignIssuer(audience = 'graphql-jwt-api') {
  const issuer = 'https://idp.example.test/';
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const file = join(mkdtempSync(join(tmpdir(), 'foreign-issuer-')), 'idp.pem');
  writeFileSync(file, publicKey.export({ type: 'spki', format: 'pem' }));
  return {
    env: {
      TRUSTED_ISSUERS: JSON.stringify([{ issuer, audience, algorithms: ['ES256'], publicKeyFile: file }]),
    },
    token: (subject: string, scopes: readonly string[]) =>
      new SignJWT({ username: 'outsider', scope: scopes.join(' ') })
        .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(subject)
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(privateKey),
  };
}

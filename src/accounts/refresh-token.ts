import { createHash, randomBytes } from 'node:crypto';

const TOKEN_BYTES = 32;
/** The exact shape we hand out: anything else is refused before the database is asked. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** A new opaque refresh token: 256 random bits, base64url. */
export function newRefreshToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * What the database stores instead of the token. A fast hash is enough: the token has 256 bits of
 * entropy, so there is nothing to brute-force, and lookups stay indexed.
 */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export function isRefreshTokenShaped(value: string): boolean {
  return TOKEN_SHAPE.test(value);
}

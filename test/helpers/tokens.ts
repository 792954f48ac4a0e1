import { createHmac } from 'node:crypto';
import { type TokenService } from '../../src/auth/token-service';
import { loadRuntime } from '../../src/bootstrap';
import { TEST_ENV } from '../fixtures/keys';

export interface TokenServiceFixture {
  readonly env?: Readonly<Record<string, string>>;
  readonly clock?: () => number;
}

/** A token service built exactly as the server builds one, from an environment and an optional clock. */
export function testTokenService({ env = {}, clock }: TokenServiceFixture = {}): TokenService {
  return loadRuntime({ ...TEST_ENV, ...env }, clock ? { clock } : {}).tokens;
}

const encode = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/**
 * Signs any header and payload with HMAC-SHA256 directly (no JWT library), so tests can build the
 * malformed, mis-typed and hostile tokens a real library would refuse to produce.
 */
export function craftToken(header: unknown, payload: unknown, secret: string): string {
  const input = `${encode(header)}.${encode(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Claims a token from this API would carry, `exp` 10 minutes after `nowSeconds`. */
export function validClaims(
  nowSeconds: number,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    iss: 'graphql-jwt-api',
    aud: 'graphql-jwt-api',
    sub: '4',
    username: 'Jane',
    scope: 'admin',
    iat: nowSeconds,
    exp: nowSeconds + 600,
    jti: 'test-jti',
    ...overrides,
  };
}

import { z } from 'zod';
import { duration, type EnvReader, nonEmpty } from './env-reader';
import {
  readSigningKeys,
  SIGNING_ALGORITHMS,
  type SigningAlgorithm,
  type SigningKeysConfig,
} from './signing-keys';
import { type JwksConfig, readJwks, readTrustedIssuers, type TrustedIssuerConfig } from './trusted-issuers';

export const PACKAGE_NAME = 'graphql-jwt-api';

export interface JwtConfig extends SigningKeysConfig {
  readonly issuer: string;
  readonly audience: string;
  readonly accessTokenTtlSeconds: number;
  /** Upper bound for any lifetime a caller asks for (issueToken's expiresIn, the CLI's --ttl). */
  readonly maxTokenTtlSeconds: number;
  readonly clockToleranceSeconds: number;
  /** Longest remaining lifetime accepted on a trusted issuer's token (ours are bounded by JWT_MAX_TTL). */
  readonly trustedTokenMaxTtlSeconds: number;
  /** How this API signs its own tokens. */
  readonly algorithm: SigningAlgorithm;
  /** Other issuers whose tokens this API accepts. */
  readonly trustedIssuers: readonly TrustedIssuerConfig[];
  readonly jwks: JwksConfig;
}

/** JWT_*, SIGNING_*, TRUSTED_ISSUERS and JWKS_*: the tokens this API issues and the ones it accepts. */
export function readJwt(env: EnvReader, production: boolean): JwtConfig {
  const issuer = env.read('JWT_ISSUER', nonEmpty, PACKAGE_NAME);
  const audience = env.read('JWT_AUDIENCE', nonEmpty, PACKAGE_NAME);
  const ttl = env.read('JWT_TTL', duration(86_400), 15 * 60);
  const maxTtl = env.read('JWT_MAX_TTL', duration(30 * 86_400), 60 * 60);
  const tolerance = env.read('JWT_CLOCK_TOLERANCE', duration(300), 5);
  const trustedMaxTtl = env.read('TRUSTED_TOKEN_MAX_TTL', duration(30 * 86_400), 86_400);
  if (ttl < 1) env.problem('JWT_TTL: must be at least one second');
  if (ttl > maxTtl) env.problem(`JWT_TTL: ${ttl}s is longer than JWT_MAX_TTL (${maxTtl}s)`);
  const algorithm = env.read<SigningAlgorithm>('SIGNING_ALGORITHM', z.enum(SIGNING_ALGORITHMS), 'HS256');
  return {
    issuer,
    audience,
    accessTokenTtlSeconds: ttl,
    maxTokenTtlSeconds: maxTtl,
    clockToleranceSeconds: tolerance,
    trustedTokenMaxTtlSeconds: trustedMaxTtl,
    algorithm,
    ...readSigningKeys(env, algorithm, production),
    trustedIssuers: readTrustedIssuers(env, issuer),
    jwks: readJwks(env),
  };
}

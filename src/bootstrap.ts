import { resolveKeyRing } from './auth/dev-key';
import { createTokenService, type TokenService } from './auth/token-service';
import { type Config, parseConfig } from './config';

export interface Runtime {
  readonly config: Config;
  readonly tokens: TokenService;
  /** Warnings for the operator: weak keys, the generated development key. */
  readonly warnings: readonly string[];
}

/**
 * What the server and the token CLI share: the configuration, the key ring and the token service, built
 * from the same environment so that a token one mints the other accepts.
 * @throws ConfigError for invalid configuration; Error when the development key file is unusable
 */
export function loadRuntime(env: Readonly<Record<string, string | undefined>>): Runtime {
  const config = parseConfig(env);
  const { keyRing, usesDevKey } = resolveKeyRing(config);
  const tokens = createTokenService({
    keyRing,
    issuer: config.jwt.issuer,
    audience: config.jwt.audience,
    accessTokenTtlSeconds: config.jwt.accessTokenTtlSeconds,
    maxTokenTtlSeconds: config.jwt.maxTokenTtlSeconds,
    clockToleranceSeconds: config.jwt.clockToleranceSeconds,
  });
  const warnings = [...config.warnings];
  if (usesDevKey) {
    warnings.push(
      `SIGNING_KEY is not set: signing with the generated development key in ${config.dataDir}/ (never in production)`,
    );
  }
  return { config, tokens, warnings };
}

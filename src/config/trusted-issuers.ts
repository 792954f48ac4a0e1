import { z } from 'zod';
import { duration, type EnvReader } from './env-reader';

/** An optional setting that is present, as undefined, when left out: every issuer has the same keys. */
const optional = <T extends z.ZodType>(schema: T) => schema.optional().prefault(undefined);

const trustedIssuer = z
  .object({
    issuer: z.string().min(1),
    audience: z.string().min(1),
    algorithms: z.array(z.enum(['RS256', 'ES256'])).min(1),
    /** Where its public keys come from: a JWKS URL, its discovery document's jwks_uri, or a PEM file. */
    jwksUri: optional(z.url({ protocol: /^https?$/ })),
    discoveryUrl: optional(z.url({ protocol: /^https?$/ })),
    publicKeyFile: optional(z.string().min(1)),
    /** Claim holding the username; default `username`, else `preferred_username`. */
    usernameClaim: optional(z.string().min(1)),
    /** Claim holding the scopes, a space-delimited string or an array; default `scope`, else `scp`. */
    scopesClaim: optional(z.string().min(1)),
  })
  .strict()
  .refine(
    (value) =>
      [value.jwksUri, value.discoveryUrl, value.publicKeyFile].filter((source) => source !== undefined)
        .length === 1,
    { message: 'each issuer needs exactly one of jwksUri, discoveryUrl and publicKeyFile' },
  );

/** An external identity provider whose tokens are accepted, and where its claims live. */
export type TrustedIssuerConfig = Readonly<z.infer<typeof trustedIssuer>>;

export interface JwksConfig {
  /** How long a JWKS fetch may take. */
  readonly timeoutMs: number;
  /** Bounds on how long fetched keys are kept, whatever the provider's cache headers say. */
  readonly minCacheSeconds: number;
  readonly maxCacheSeconds: number;
  /** An unknown kid triggers at most one refetch per this period. */
  readonly cooldownSeconds: number;
}

const issuerList = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of issuers' });
      return z.NEVER;
    }
  })
  .pipe(z.array(trustedIssuer));

/** TRUSTED_ISSUERS (a JSON array); none may be this API's own `ownIssuer`, none listed twice. */
export function readTrustedIssuers(env: EnvReader, ownIssuer: string): TrustedIssuerConfig[] {
  const issuers = env.read<TrustedIssuerConfig[]>('TRUSTED_ISSUERS', issuerList, []);
  for (const trusted of issuers) {
    // Tokens from elsewhere must never pass for this API's own.
    if (trusted.issuer === ownIssuer)
      env.problem(`TRUSTED_ISSUERS: "${trusted.issuer}" is this API's own JWT_ISSUER`);
  }
  if (new Set(issuers.map((trusted) => trusted.issuer)).size !== issuers.length) {
    env.problem('TRUSTED_ISSUERS: an issuer is listed twice');
  }
  return issuers;
}

/** JWKS_TIMEOUT, JWKS_CACHE_MIN, JWKS_CACHE_MAX, JWKS_COOLDOWN: how trusted issuers' keys are fetched. */
export function readJwks(env: EnvReader): JwksConfig {
  const timeout = env.read('JWKS_TIMEOUT', duration(60), 3);
  const minCacheSeconds = env.read('JWKS_CACHE_MIN', duration(86_400), 60);
  const maxCacheSeconds = env.read('JWKS_CACHE_MAX', duration(7 * 86_400), 86_400);
  const cooldownSeconds = env.read('JWKS_COOLDOWN', duration(3600), 30);
  if (timeout < 1) env.problem('JWKS_TIMEOUT: must be at least one second');
  if (minCacheSeconds > maxCacheSeconds) env.problem('JWKS_CACHE_MIN: must not exceed JWKS_CACHE_MAX');
  return { timeoutMs: timeout * 1000, minCacheSeconds, maxCacheSeconds, cooldownSeconds };
}

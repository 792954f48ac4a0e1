import { type JsonWebKey } from 'node:crypto';
import { type ScopeClosure } from '../scopes/hierarchy';
import { publicJwk } from './asymmetric-keys';
import { type KeyRing } from './key-ring';
import { RevocationRegistry } from './revocation-registry';
import { type IssuerSettings, TokenIssuer } from './token-issuer';
import { TokenVerifier, type TrustedIssuer, type VerifierSettings } from './token-verifier';

/** Issuing, verifying and publishing keys: what the rest of the application knows of tokens. */
export interface TokenService {
  issue: TokenIssuer['issue'];
  verify: TokenVerifier['verify'];
  /** The public keys of this API's own tokens (RFC 7517); empty for HS256, whose secret is never published. */
  jwks(): { keys: JsonWebKey[] };
  /** The revocations verification refuses; filled by the revocation feed (src/revocation/). */
  readonly revocations: RevocationRegistry;
}

export interface TokenServiceOptions extends IssuerSettings, VerifierSettings {
  readonly keyRing: KeyRing;
  readonly trustedIssuers?: readonly TrustedIssuer[];
  /** Milliseconds since the epoch; injected so tests control time. */
  readonly clock?: () => number;
  /** Told whether each verification found the token already verified (for metrics). */
  readonly onCacheLookup?: (hit: boolean) => void;
  /** What each scope implies (SCOPE_HIERARCHY): a verified token's scopes are expanded with it once. */
  readonly scopeClosure?: ScopeClosure;
}

/**
 * @returns a service that issues this API's access tokens with the key ring's active key, and verifies
 * its own tokens and those of the trusted issuers
 */
export function createTokenService(options: TokenServiceOptions): TokenService {
  const { keyRing } = options;
  const clock = options.clock ?? Date.now;
  const issuer = new TokenIssuer(options, keyRing, clock);
  // No token we issue outlives JWT_MAX_TTL, nor a foreign one its cap; the tolerance stretches both.
  const longest = Math.max(options.maxTokenTtlSeconds, options.trustedTokenMaxTtlSeconds);
  const revocations = new RevocationRegistry((longest + options.clockToleranceSeconds) * 1000);
  const verifier = new TokenVerifier(
    options,
    keyRing,
    options.trustedIssuers ?? [],
    clock,
    revocations,
    options.onCacheLookup,
    options.scopeClosure,
  );
  const published = {
    keys: keyRing.keys.flatMap((key) => (key.alg === 'HS256' ? [] : [publicJwk(key)])),
  };
  return {
    issue: (request, issueOptions) => issuer.issue(request, issueOptions),
    verify: (token, observer) => verifier.verify(token, observer),
    jwks: () => published,
    revocations,
  };
}

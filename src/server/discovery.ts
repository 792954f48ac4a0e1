import { type Config } from '../config';

/** The claims this API's own tokens carry (auth/token-issuer.ts), for a verifier deciding what to map. */
const CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'scope', 'username', 'sid', 'act'];

export type Discovery =
  | { readonly available: true; readonly document: Readonly<Record<string, unknown>> }
  | { readonly available: false; readonly reason: string };

/**
 * This API's OpenID Connect discovery document (OpenID Connect Discovery 1.0 §3), so that a gateway or
 * another service can be pointed at it as an issuer and find its keys. It lists only what this API does:
 * it publishes verification keys and signs access tokens; it has no authorization or token endpoint (logins
 * are GraphQL mutations), so those fields are absent rather than pointing at nothing.
 * @returns unavailable, with the reason, when others could not verify its tokens anyway (HS256: the secret
 * is never published) or when no public address is configured to build absolute URLs from
 */
export function discoveryDocument(config: Pick<Config, 'jwt' | 'server'>): Discovery {
  const { issuer, algorithm } = config.jwt;
  if (algorithm === 'HS256') {
    return {
      available: false,
      reason: 'tokens are signed with a shared secret (HS256), so only this API can verify them',
    };
  }
  const base =
    config.server.publicUrl ?? (/^https?:\/\//.test(issuer) ? issuer.replace(/\/+$/, '') : undefined);
  if (!base) {
    return { available: false, reason: 'PUBLIC_URL is not set (and JWT_ISSUER is not a URL)' };
  }
  return {
    available: true,
    document: {
      issuer,
      jwks_uri: `${base}/.well-known/jwks.json`,
      // The OIDC field verifiers read for the signing algorithm; it is the one for every token issued here.
      id_token_signing_alg_values_supported: [algorithm],
      subject_types_supported: ['public'],
      claims_supported: CLAIMS,
    },
  };
}

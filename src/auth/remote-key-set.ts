import { createPublicKey } from 'node:crypto';
import { type Logger } from 'pino';
import { type Config, type TrustedIssuerConfig } from '../config';
import { keyProblem } from './asymmetric-keys';
import { MAX_KID_LENGTH } from './jws';
import { type VerificationKey } from './key-ring';
import { isJsonObject } from '../json-object';

/** Where an external issuer's keys come from. */
export interface KeySource {
  /** The key for `kid`, or undefined when there is none (the token is then refused). */
  getKey(kid: string | undefined): Promise<VerificationKey | undefined>;
}

/**
 * The issuer's JWKS URL (or its discovery document's, which must name `issuer`) and algorithms, with the
 * fetch and cache bounds every issuer shares.
 */
export type RemoteKeySetOptions = Config['jwt']['jwks'] &
  Pick<TrustedIssuerConfig, 'algorithms'> & {
    readonly location:
      { readonly jwksUri: string } | { readonly discoveryUrl: string; readonly issuer: string };
    readonly log: Logger;
    readonly clock?: () => number;
    /** Told the outcome of every fetch, for metrics. */
    readonly onFetch?: (outcome: 'ok' | 'error') => void;
  };

const MAX_JWKS_BYTES = 512 * 1024;

/** The usable signing keys of a JWKS document; unusable ones are skipped with a log line. */
function parseJwks(
  body: unknown,
  algorithms: RemoteKeySetOptions['algorithms'],
  skip: (why: string) => void,
) {
  if (!isJsonObject(body) || !Array.isArray(body.keys))
    throw new Error('the response is not a JWKS document');
  const keys = new Map<string, VerificationKey>();
  for (const jwk of body.keys as unknown[]) {
    if (
      !isJsonObject(jwk) ||
      typeof jwk.kid !== 'string' ||
      jwk.kid.length === 0 ||
      jwk.kid.length > MAX_KID_LENGTH
    ) {
      skip('a key without a usable kid');
      continue;
    }
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    const alg =
      jwk.alg ??
      (jwk.kty === 'RSA' ? 'RS256' : jwk.kty === 'EC' && jwk.crv === 'P-256' ? 'ES256' : undefined);
    if (alg !== 'RS256' && alg !== 'ES256') continue;
    if (!algorithms.includes(alg)) continue;
    let publicKey;
    try {
      // Only the public members: a JWKS that (wrongly) carries a private key must not make us hold one.
      const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicMembers } = jwk;
      publicKey = createPublicKey({ key: publicMembers as never, format: 'jwk' });
    } catch {
      skip(`key ${jwk.kid}: not a valid public key`);
      continue;
    }
    const problem = keyProblem(alg, publicKey);
    if (problem) {
      skip(`key ${jwk.kid}: ${problem}`);
      continue;
    }
    keys.set(jwk.kid, { id: jwk.kid, alg, publicKey });
  }
  return keys;
}

function maxAgeSeconds(cacheControl: string | null): number | undefined {
  if (!cacheControl || /no-store|no-cache/i.test(cacheControl)) return undefined;
  const match = /max-age=(\d+)/i.exec(cacheControl);
  return match ? Number(match[1]) : undefined;
}

/** A bounded JSON document, fetched with the JWKS timeout and no redirects. */
async function fetchJson(
  url: string,
  timeoutMs: number,
): Promise<{ body: unknown; cacheControl: string | null }> {
  const response = await fetch(url, {
    signal: AbortSignal.timeout(timeoutMs),
    headers: { accept: 'application/json' },
    redirect: 'error',
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_JWKS_BYTES) throw new Error('the response is too large');
  try {
    return { body: JSON.parse(text), cacheControl: response.headers.get('cache-control') };
  } catch {
    throw new Error('the response is not JSON');
  }
}

/**
 * Where the keys are: configured, or read from the discovery document on each refresh (keys are refreshed
 * rarely, and a provider may move them). The document must name the configured issuer (OpenID Connect
 * Discovery §4.3), so that another issuer's document cannot hand us its keys.
 */
async function jwksUri(location: RemoteKeySetOptions['location'], timeoutMs: number): Promise<string> {
  if ('jwksUri' in location) return location.jwksUri;
  const { body } = await fetchJson(location.discoveryUrl, timeoutMs);
  if (!isJsonObject(body)) throw new Error('the discovery document is not a JSON object');
  if (body.issuer !== location.issuer) throw new Error('the discovery document names another issuer');
  if (typeof body.jwks_uri !== 'string' || !/^https?:\/\//.test(body.jwks_uri)) {
    throw new Error('the discovery document has no http(s) jwks_uri');
  }
  return body.jwks_uri;
}

/**
 * An issuer's JWKS, fetched from a URL in configuration (never one named by a token): with a timeout,
 * cached by its Cache-Control max-age clamped to [min, max], refetched on an unknown kid at most once per
 * cool-down, and kept when the provider fails, so an outage costs nothing while the keys still hold.
 */
export function remoteKeySet(options: RemoteKeySetOptions): KeySource {
  const { location, log } = options;
  const uri = 'jwksUri' in location ? location.jwksUri : location.discoveryUrl;
  const clock = options.clock ?? Date.now;
  const cooldownMs = options.cooldownSeconds * 1000;
  let keys = new Map<string, VerificationKey>();
  let freshUntil = 0;
  let lastAttempt = Number.NEGATIVE_INFINITY;
  let inflight: Promise<void> | undefined;

  async function fetchKeys(): Promise<void> {
    lastAttempt = clock();
    try {
      const jwks = await jwksUri(location, options.timeoutMs);
      const { body, cacheControl } = await fetchJson(jwks, options.timeoutMs);
      keys = parseJwks(body, options.algorithms, (why) =>
        log.warn({ jwks: uri }, `JWKS key skipped: ${why}`),
      );
      const ttl = maxAgeSeconds(cacheControl) ?? options.minCacheSeconds;
      freshUntil = clock() + Math.min(Math.max(ttl, options.minCacheSeconds), options.maxCacheSeconds) * 1000;
      options.onFetch?.('ok');
    } catch (error) {
      options.onFetch?.('error');
      const problem =
        error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : (error as Error).message;
      log.warn({ jwks: uri, problem, keptKeys: keys.size }, 'JWKS fetch failed; keeping the last good keys');
    }
  }

  // Concurrent requests share one fetch.
  function refresh(): Promise<void> {
    inflight ??= fetchKeys().finally(() => (inflight = undefined));
    return inflight;
  }

  return {
    async getKey(kid) {
      if (kid === undefined) return undefined;
      const mayFetch = () => clock() - lastAttempt >= cooldownMs;
      if (clock() >= freshUntil && mayFetch()) await refresh();
      else if (inflight) await inflight;
      const key = keys.get(kid);
      if (key || !mayFetch()) return key;
      await refresh();
      return keys.get(kid);
    },
  };
}

/** A single configured public key: it verifies whatever kid a token names. */
export function staticKeySource(key: VerificationKey): KeySource {
  return { getKey: async () => key };
}

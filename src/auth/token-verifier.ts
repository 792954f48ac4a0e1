import { type Config, type TrustedIssuerConfig } from '../config';
import { type AuthenticatedIdentity } from './identity';
import { MAX_TOKEN_LENGTH, type ParsedJws, parseJws } from './jws';
import { type KeyRing, type SigningKey, type VerificationKey } from './key-ring';
import { type ScopeClosure } from '../scopes/hierarchy';
import { type KeySource } from './remote-key-set';
import { type RevocationRegistry } from './revocation-registry';
import { ScopeSets } from './scope-sets';
import { signatureValid } from './signature';
import {
  checkAudience,
  checkTimes,
  fail,
  readActor,
  readSessionId,
  readSubject,
  readUsername,
} from './token-claims';
import { VerifiedTokenCache } from './verified-token-cache';

/** An external identity provider as configured, with its keys at hand. */
export type TrustedIssuer = Omit<TrustedIssuerConfig, 'jwksUri' | 'discoveryUrl' | 'publicKeyFile'> & {
  readonly keys: KeySource;
};

export type VerifierSettings = Pick<
  Config['jwt'],
  'issuer' | 'audience' | 'clockToleranceSeconds' | 'trustedTokenMaxTtlSeconds'
>;

/** Told of each verification in full (a token not remembered), so that tracing can draw a span around it. */
export interface VerificationObserver {
  traceVerification<T>(verify: () => Promise<T>): Promise<T>;
}

/** Where a token's claims are checked: our own audience and claim names, or an external issuer's. */
interface Route {
  readonly key: SigningKey | VerificationKey | undefined;
  readonly audience: string;
  readonly external: TrustedIssuer | undefined;
}

/** Verifies this API's own tokens and those of the trusted issuers (RFC 8725). */
export class TokenVerifier {
  private readonly trusted: ReadonlyMap<string, TrustedIssuer>;
  private readonly cache: VerifiedTokenCache;
  private readonly scopeSets: ScopeSets;

  constructor(
    private readonly settings: VerifierSettings,
    private readonly keyRing: KeyRing,
    trustedIssuers: readonly TrustedIssuer[],
    private readonly clock: () => number,
    private readonly revocations: RevocationRegistry,
    private readonly onCacheLookup: (hit: boolean) => void = () => undefined,
    scopeClosure: ScopeClosure = new Map(),
  ) {
    this.trusted = new Map(trustedIssuers.map((entry) => [entry.issuer, entry]));
    this.cache = new VerifiedTokenCache(clock, settings.clockToleranceSeconds);
    this.scopeSets = new ScopeSets(scopeClosure);
  }

  /**
   * @param observer told of a verification in full (a token not remembered): tracing's span for it
   * @throws AuthError with a client-safe reason and an operator-facing detail
   */
  async verify(token: string, observer?: VerificationObserver): Promise<AuthenticatedIdentity> {
    const remembered =
      typeof token === 'string' && token.length <= MAX_TOKEN_LENGTH ? this.cache.get(token) : undefined;
    // Only an external issuer's entry makes the cache ask its key source, asynchronously.
    const known = remembered instanceof Promise ? await remembered : remembered;
    this.onCacheLookup(known !== undefined);
    const verified =
      known ??
      (observer
        ? await observer.traceVerification(async () => this.verifyFully(token))
        : this.verifyFully(token));
    const identity = verified instanceof Promise ? await verified : verified;
    // Checked on every use, remembered or not: a revocation takes effect on the next request.
    if (this.revocations.revokes(identity)) fail('revoked');
    return identity;
  }

  /**
   * Routes by `iss` before any signature work: each issuer's tokens meet only that issuer's keys and
   * algorithms, so an HS secret can never check an RS/ES token (algorithm confusion). Synchronous for this
   * API's own tokens, whose keys are at hand: with many users at once every request may bring a token that
   * is not remembered (#26), and each `await` on its way costs a turn of the microtask queue. An external
   * issuer's key may have to be fetched.
   */
  private verifyFully(token: string): AuthenticatedIdentity | Promise<AuthenticatedIdentity> {
    const jws = parseJws(token);
    if (jws.payload.iss === this.settings.issuer) return this.accept(token, jws, this.localRoute(jws));
    return this.externalRoute(jws).then((route) => this.accept(token, jws, route));
  }

  private accept(token: string, jws: ParsedJws, { key, audience, external }: Route): AuthenticatedIdentity {
    if (!key) fail('kid_unknown');
    if (key.alg !== jws.alg) fail('alg_not_allowed');
    if (!signatureValid(key, jws.signingInput, jws.signature)) fail('signature_mismatch');

    // From here on the claims are authentic; they are still checked before anyone trusts them.
    const { payload } = jws;
    const now = this.clock() / 1000;
    const expiresAt = checkTimes(payload, now, this.settings.clockToleranceSeconds);
    // We never issue a token that lives longer than JWT_MAX_TTL; another issuer's lifetime is capped here.
    if (external && expiresAt - now > this.settings.trustedTokenMaxTtlSeconds) fail('lifetime_too_long');
    checkAudience(payload, audience);
    const subject = readSubject(payload);
    if (payload.jti !== undefined && typeof payload.jti !== 'string') fail('claim_invalid');
    const { scopes, grantedScopes } = this.scopeSets.of(payload, external?.scopesClaim);
    const verified: AuthenticatedIdentity = Object.freeze({
      authenticated: true,
      issuer: external?.issuer ?? this.settings.issuer,
      local: !external,
      subject,
      username: readUsername(payload, external?.usernameClaim),
      scopes,
      grantedScopes,
      expiresAt: new Date(expiresAt * 1000),
      tokenId: payload.jti,
      keyId: key.id,
      actor: readActor(payload),
      sessionId: readSessionId(payload),
      issuedAt: payload.iat as number | undefined,
    });
    this.cache.remember({ text: token, token: verified, expiresAt, key, keySource: external?.keys });
    return verified;
  }

  private localRoute({ alg, kid }: ParsedJws): Route {
    if (alg !== this.keyRing.algorithm) fail('alg_not_allowed');
    if (kid === undefined) fail('kid_missing');
    return { key: this.keyRing.get(kid), audience: this.settings.audience, external: undefined };
  }

  private async externalRoute({ alg, kid, payload }: ParsedJws): Promise<Route> {
    const external = typeof payload.iss === 'string' ? this.trusted.get(payload.iss) : undefined;
    if (!external) fail('issuer_untrusted');
    if (!(external.algorithms as readonly string[]).includes(alg)) fail('alg_not_allowed');
    return { key: await external.keys.getKey(kid), audience: external.audience, external };
  }
}

import { type Config } from '../config';
import { ForbiddenError, InputError } from '../errors';
import { type Claims, type SigningMaterial, signJws } from './jws';
import { type KeyRing } from './key-ring';
import { checkScopes, missingScopes } from '../scopes/scope-token';
import { isBoundedText, MAX_SUBJECT_LENGTH, MAX_USERNAME_LENGTH } from './token-claims';

/** The claims a caller may ask for: nothing else can be put in a token, and never anything sensitive. */
export interface AccessTokenRequest {
  readonly subject: string;
  readonly username: string;
  readonly scopes: readonly string[];
  /** Defaults to the configured access-token lifetime; capped by the configured maximum. */
  readonly ttlSeconds?: number;
  /** Who mints it on the subject's behalf (RFC 8693 `act`), for issueToken's tokens. */
  readonly actor?: string;
  /** The session it belongs to (`sid`), for the tokens of logins, refreshes and password changes. */
  readonly sessionId?: string;
}

/** A freshly signed access token and what it says. */
export interface AccessToken {
  readonly token: string;
  readonly tokenId: string;
  readonly expiresAt: Date;
  readonly scopes: readonly string[];
}

export interface IssueOptions {
  /** When set, every requested scope must be in it: how an API caller is kept from escalating. */
  readonly grantableScopes?: readonly string[];
}

export type IssuerSettings = Pick<
  Config['jwt'],
  'issuer' | 'audience' | 'accessTokenTtlSeconds' | 'maxTokenTtlSeconds'
>;

const REQUEST_KEYS = new Set(['subject', 'username', 'scopes', 'ttlSeconds', 'actor', 'sessionId']);

/** Signs this API's own access tokens with the key ring's active key. */
export class TokenIssuer {
  private readonly signer: SigningMaterial;

  constructor(
    private readonly settings: IssuerSettings,
    keyRing: KeyRing,
    private readonly clock: () => number,
  ) {
    const { active } = keyRing;
    // njwt signs with a PEM string: exported once, not per token.
    const key =
      active.alg === 'HS256'
        ? active.secret
        : (active.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
    this.signer = { id: active.id, alg: active.alg, key };
  }

  /**
   * @throws InputError (BAD_USER_INPUT) naming the offending field of {@link AccessTokenRequest}
   * @throws ForbiddenError when a requested scope is not grantable; nothing is issued
   */
  issue(request: AccessTokenRequest, { grantableScopes }: IssueOptions = {}): AccessToken {
    const scopes = this.checkRequest(request);
    const missing = grantableScopes ? missingScopes(grantableScopes, scopes) : [];
    if (missing.length > 0) {
      throw new ForbiddenError(
        `You cannot grant scopes you do not hold: ${missing.join(', ')}.`,
        scopes,
        missing,
        'CANNOT_GRANT',
      );
    }
    const now = Math.floor(this.clock());
    const expiresAt = Math.floor(now / 1000) + (request.ttlSeconds ?? this.settings.accessTokenTtlSeconds);
    const claims: Claims = {
      iss: this.settings.issuer,
      aud: this.settings.audience,
      sub: request.subject,
      username: request.username,
      // With milliseconds (RFC 7519 allows a non-integer NumericDate): a user's revocation then separates
      // the tokens issued just before it from those issued just after, even within the same second.
      iat: now / 1000,
    };
    if (request.sessionId !== undefined) claims.sid = request.sessionId;
    if (scopes.length > 0) claims.scope = scopes.join(' ');
    if (request.actor !== undefined) claims.act = { sub: request.actor };
    const { token, tokenId } = signJws(claims, this.signer, expiresAt);
    return { token, tokenId, expiresAt: new Date(expiresAt * 1000), scopes };
  }

  /** @returns the requested scopes, checked and without duplicates */
  private checkRequest(request: AccessTokenRequest): string[] {
    const extra = Object.keys(request).filter((key) => !REQUEST_KEYS.has(key));
    if (extra.length > 0) {
      throw new InputError(
        `Tokens carry only subject, username, scopes, actor and session; refused: ${extra.join(', ')}`,
      );
    }
    if (!isBoundedText(request.subject, MAX_SUBJECT_LENGTH)) {
      throw new InputError(`subject must be 1-${MAX_SUBJECT_LENGTH} printable characters`, 'subject');
    }
    if (!isBoundedText(request.username, MAX_USERNAME_LENGTH)) {
      throw new InputError(`username must be 1-${MAX_USERNAME_LENGTH} printable characters`, 'username');
    }
    if (request.sessionId !== undefined && !isBoundedText(request.sessionId, MAX_SUBJECT_LENGTH)) {
      throw new InputError(`sessionId must be 1-${MAX_SUBJECT_LENGTH} printable characters`, 'sessionId');
    }
    if (request.actor !== undefined && !isBoundedText(request.actor, MAX_SUBJECT_LENGTH)) {
      throw new InputError(`actor must be 1-${MAX_SUBJECT_LENGTH} printable characters`, 'actor');
    }
    const scopes = checkScopes(request.scopes);
    const ttl = request.ttlSeconds ?? this.settings.accessTokenTtlSeconds;
    const max = this.settings.maxTokenTtlSeconds;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > max) {
      throw new InputError(`the lifetime must be 1-${max} seconds`, 'ttlSeconds');
    }
    return scopes;
  }
}

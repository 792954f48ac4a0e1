import { type Kysely } from 'kysely';
import { type AuditTrail } from '../audit/audit-trail';
import { type AccessToken, type AccessTokenRequest } from '../auth/token-issuer';
import { type TokenService } from '../auth/token-service';
import { guarded } from '../db/errors';
import { type DatabaseSchema } from '../db/schema';
import { ForbiddenError, InputError } from '../errors';
import { expandScopes, type ScopeClosure } from '../scopes/hierarchy';
import { type LiveActor } from '../permissions/access-facts';
import { userRepository } from './user-repository';

/** The longest id a local user can have; longer subjects are services, never looked up. */
const MAX_USER_ID_LENGTH = 64;

/**
 * issueToken's rules on top of the token service: the caller (a {@link LiveActor} the database vouched for)
 * grants only scopes it holds now, and a subject that is a local user gets no scope that user lacks now and
 * keeps its own username. Every minted token names its minter (RFC 8693 `act`).
 */
export class TokenMinting {
  constructor(
    private readonly db: Kysely<DatabaseSchema>,
    private readonly tokens: TokenService,
    private readonly audit: AuditTrail,
    /** What each scope implies: a subject or minter holding `admin` holds `users:read` too. */
    private readonly scopeClosure: ScopeClosure,
  ) {}

  /**
   * @throws ForbiddenError for a scope the caller or the subject does not hold
   * @throws InputError for a disabled subject, a username that is not the subject's, or bad claims
   */
  async mint(actor: LiveActor, request: Omit<AccessTokenRequest, 'actor'>): Promise<AccessToken> {
    const subject =
      request.subject.length > MAX_USER_ID_LENGTH
        ? undefined
        : await guarded(() => userRepository(this.db).findById(request.subject));
    if (subject) {
      if (subject.disabledAt !== null)
        throw new InputError('subject is a disabled account', 'subject', 'disabled');
      if (request.username !== subject.username) {
        throw new InputError(
          `username must be the subject's own, ${subject.username}`,
          'username',
          'mismatch',
        );
      }
      const held = expandScopes(subject.scopes, this.scopeClosure);
      const lacking = request.scopes.filter((scope) => !held.has(scope));
      if (lacking.length > 0) {
        throw new ForbiddenError(
          `The subject does not hold: ${lacking.join(', ')}.`,
          request.scopes,
          lacking,
          'CANNOT_GRANT',
        );
      }
    }
    return guarded(() =>
      this.audit.transaction(this.db, async (trx) => {
        // Under the minter's row lock, as disabling or demoting it takes: either that revocation comes
        // first and the minter is refused here, or this token is signed before it and dies with it.
        const users = userRepository(trx);
        await users.lock(actor.userId);
        const minter = await users.findById(actor.userId);
        const minterHolds = expandScopes(minter?.scopes ?? [], this.scopeClosure);
        const grantableScopes = actor.grantableScopes.filter((scope) => minterHolds.has(scope));
        if (!minter || minter.disabledAt !== null) {
          throw new ForbiddenError(
            "This needs an active account of this API: the caller's is disabled or does not exist.",
            request.scopes,
            [],
            'ACCOUNT_INACTIVE',
          );
        }
        const minted = this.tokens.issue({ ...request, actor: actor.userId }, { grantableScopes });
        await this.audit.record(trx, {
          type: 'token.minted',
          actorId: actor.userId,
          ...(subject && { userId: subject.id }),
          details: {
            subject: request.subject,
            username: request.username,
            scopes: minted.scopes,
            tokenId: minted.tokenId,
            expiresAt: minted.expiresAt.toISOString(),
          },
        });
        return minted;
      }),
    );
  }
}

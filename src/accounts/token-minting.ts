import { type Kysely } from 'kysely';
import { type AccessToken, type AccessTokenRequest } from '../auth/token-issuer';
import { type TokenService } from '../auth/token-service';
import { guarded } from '../db/errors';
import { type DatabaseSchema } from '../db/schema';
import { ForbiddenError, InputError } from '../errors';
import { type Actor } from './user-admin-service';
import { userRepository } from './user-repository';

/** The longest id a local user can have; longer subjects are services, never looked up. */
const MAX_USER_ID_LENGTH = 64;

/**
 * issueToken's rules on top of the token service: the caller (an {@link Actor} the database vouched for)
 * grants only scopes it holds now, and a subject that is a local user gets no scope that user lacks now and
 * keeps its own username. Every minted token names its minter (RFC 8693 `act`).
 */
export class TokenMinting {
  constructor(
    private readonly db: Kysely<DatabaseSchema>,
    private readonly tokens: TokenService,
  ) {}

  /**
   * @throws ForbiddenError for a scope the caller or the subject does not hold
   * @throws InputError for a disabled subject, a username that is not the subject's, or bad claims
   */
  async mint(actor: Required<Actor>, request: Omit<AccessTokenRequest, 'actor'>): Promise<AccessToken> {
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
      const lacking = request.scopes.filter((scope) => !subject.scopes.includes(scope));
      if (lacking.length > 0) {
        throw new ForbiddenError(
          `The subject does not hold: ${lacking.join(', ')}.`,
          request.scopes,
          lacking,
        );
      }
    }
    return this.tokens.issue({ ...request, actor: actor.userId }, { grantableScopes: actor.grantableScopes });
  }
}

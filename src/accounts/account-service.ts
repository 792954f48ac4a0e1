import { type Kysely } from 'kysely';
import { type Logger } from 'pino';
import { type TokenService } from '../auth/token-service';
import { type Config } from '../config';
import { guarded } from '../db/errors';
import { type DatabaseSchema } from '../db/schema';
import { AppError, InputError, NotFoundError } from '../errors';
import { type ClientInfo } from '../request-context';
import { CredentialCheck } from './credential-check';
import { checkPassword, PASSWORD_MAX_BYTES, USERNAME_MAX, usernameKey } from './credentials-policy';
import { type LoginThrottle } from './login-throttle';
import { type PasswordHasher } from './password-hasher';
import { hashRefreshToken, isRefreshTokenShaped } from './refresh-token';
import { rotateRefreshToken } from './refresh-rotation';
import { firstRefreshToken, type Session, type StoredSession } from './session';
import { sessionRepository } from './session-repository';
import { unstorable, userRepository, type UserAccountWithPassword, withoutPassword } from './user-repository';

export interface AccountServiceDependencies {
  readonly db: Kysely<DatabaseSchema>;
  readonly tokens: TokenService;
  readonly hasher: PasswordHasher;
  readonly throttle: LoginThrottle;
  readonly settings: Config['accounts'];
  readonly log: Logger;
  /** Milliseconds since the epoch. */
  readonly clock?: () => number;
}

/** Logins, refresh-token rotation, logout and password changes for this API's own users. */
export class AccountService {
  private readonly clock: () => number;

  constructor(
    private readonly deps: AccountServiceDependencies,
    private readonly credentials: CredentialCheck,
  ) {
    this.clock = deps.clock ?? Date.now;
  }

  /** @throws INVALID_CREDENTIALS (wrong password, unknown or disabled user alike), TOO_MANY_REQUESTS */
  async login(username: string, password: string, client: ClientInfo): Promise<Session> {
    // Bounds the work an anonymous caller can cause; real credentials are far shorter.
    if (username.length > USERNAME_MAX) {
      throw new InputError(`username must be at most ${USERNAME_MAX} characters`, 'username', 'length');
    }
    if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
      throw new InputError(`password must be at most ${PASSWORD_MAX_BYTES} bytes`, 'password', 'max_length');
    }
    // No account has such a name, and the throttle's PostgreSQL table could not even count it.
    if (unstorable(username)) throw new InputError('username may not contain NUL', 'username', 'characters');
    const { db, hasher } = this.deps;
    const key = usernameKey(username);
    const user = await this.credentials.verify(key, password, client, () =>
      userRepository(db).findByKey(key),
    );
    const now = this.clock();
    if (hasher.needsRehash(user.passwordHash)) {
      const passwordHash = await hasher.hash(password);
      await guarded(() => userRepository(db).update(user.id, { passwordHash }, now));
    }
    return this.signed(await guarded(() => this.startSession(db, user, client, now)));
  }

  /** @throws REFRESH_TOKEN_INVALID, or REFRESH_TOKEN_REUSED after revoking the whole session */
  async refresh(refreshToken: string, client: ClientInfo): Promise<Session> {
    if (!isRefreshTokenShaped(refreshToken)) throw new AppError('REFRESH_TOKEN_INVALID');
    const now = this.clock();
    const { db, settings } = this.deps;
    const outcome = await guarded(() =>
      db.transaction().execute((trx) => rotateRefreshToken(trx, refreshToken, settings, client, now)),
    );
    if (outcome.kind === 'rotated') return this.signed(outcome.session);
    if (outcome.kind === 'reused') {
      const security = { event: 'refresh_token_reused', userId: outcome.userId, sessionId: outcome.familyId };
      this.deps.log.warn({ security }, 'a rotated refresh token was presented again: session revoked');
      throw new AppError('REFRESH_TOKEN_REUSED');
    }
    throw new AppError('REFRESH_TOKEN_INVALID');
  }

  /** Ends the session the refresh token belongs to, if it is the caller's; silent otherwise. */
  async logout(refreshToken: string, userId: string): Promise<void> {
    if (!isRefreshTokenShaped(refreshToken)) return;
    await guarded(() =>
      this.deps.db.transaction().execute(async (trx) => {
        const sessions = sessionRepository(trx);
        const token = await sessions.findByHash(hashRefreshToken(refreshToken));
        // Someone else's token is left alone, and the answer is the same: no oracle for valid tokens.
        if (token?.userId !== userId) return;
        await userRepository(trx).lock(userId);
        await sessions.revokeFamily(token.familyId, this.clock());
      }),
    );
  }

  /** @returns how many live sessions were ended */
  async revokeAllSessions(userId: string): Promise<number> {
    return guarded(() =>
      this.deps.db.transaction().execute(async (trx) => {
        await userRepository(trx).lock(userId);
        return sessionRepository(trx).revokeAllForUser(userId, this.clock());
      }),
    );
  }

  /** Ends every session of the user and starts a new one for the caller. */
  async changePassword(userId: string, current: string, next: string, client: ClientInfo): Promise<Session> {
    const { db, hasher } = this.deps;
    const user = await guarded(() => userRepository(db).findById(userId));
    if (!user) throw new NotFoundError('No user account belongs to this token.');
    if (Buffer.byteLength(current, 'utf8') > PASSWORD_MAX_BYTES) throw new AppError('INVALID_CREDENTIALS');
    await this.credentials.verify(usernameKey(user.username), current, client, async () => user);
    checkPassword(next, user.username, 'newPassword');
    if (next === current) {
      throw new InputError('newPassword must differ from the current password', 'newPassword', 'unchanged');
    }
    const passwordHash = await hasher.hash(next);
    const now = this.clock();
    const session = await guarded(() =>
      db.transaction().execute(async (trx) => {
        // The update takes the user's row lock first, as every change to its sessions does.
        await userRepository(trx).update(user.id, { passwordHash }, now);
        await sessionRepository(trx).revokeAllForUser(user.id, now);
        return this.startSession(trx, user, client, now);
      }),
    );
    return this.signed(session);
  }

  /**
   * Deletes refresh-token rows that stopped working more than REFRESH_TOKEN_RETENTION ago (run on a
   * schedule by src/index.ts): without it the table grows with every login and refresh, for ever.
   * @returns how many rows were deleted
   */
  async purgeEndedSessions(): Promise<number> {
    const cutoff = this.clock() - this.deps.settings.refreshTokenRetentionSeconds * 1000;
    return guarded(() => sessionRepository(this.deps.db).purge(cutoff));
  }

  /** Stores the first refresh token of a new session; inside the caller's transaction when there is one. */
  private async startSession(
    db: Kysely<DatabaseSchema>,
    user: UserAccountWithPassword,
    client: ClientInfo,
    now: number,
  ): Promise<StoredSession> {
    const { session, record } = firstRefreshToken(this.deps.settings, withoutPassword(user), client, now);
    await sessionRepository(db).insert(record);
    return session;
  }

  /** Signs the access token of a stored session, outside any transaction. */
  private signed(session: StoredSession): Session {
    const { id, username, scopes } = session.user;
    return { ...session, accessToken: this.deps.tokens.issue({ subject: id, username, scopes }) };
  }
}

/** @returns the account service; resolves once the timing-equaliser hash exists */
export async function createAccountService(deps: AccountServiceDependencies): Promise<AccountService> {
  return new AccountService(deps, await CredentialCheck.create(deps.hasher, deps.throttle, deps.log));
}

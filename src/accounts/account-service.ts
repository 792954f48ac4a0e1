import { type Kysely } from 'kysely';
import { type Logger } from 'pino';
import { type AuditTrail } from '../audit/audit-trail';
import { type TokenService } from '../auth/token-service';
import { type Config } from '../config';
import { guarded } from '../db/errors';
import { type DatabaseSchema } from '../db/schema';
import { AppError, InputError, NotFoundError, RateLimitError } from '../errors';
import { type ClientInfo } from '../request-context';
import { type Revocations, revokingTransaction } from '../revocation/revoking-transaction';
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
  readonly revocations: Revocations;
  readonly audit: AuditTrail;
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
    const { db, hasher, audit } = this.deps;
    const key = usernameKey(username);
    let found: UserAccountWithPassword | undefined;
    const user = await this.credentials
      .verify(key, password, client, async () => (found = await userRepository(db).findByKey(key)))
      .catch(async (error: unknown) => {
        const type = error instanceof RateLimitError ? 'login.throttled' : 'login.failed';
        if (
          error instanceof RateLimitError ||
          (error instanceof AppError && error.code === 'INVALID_CREDENTIALS')
        ) {
          // The account, when one has this name: the trail is for operators, never shown to the caller.
          const account = found && { userId: found.id };
          await guarded(() => audit.record(db, { type, username: key, client, ...account }));
        }
        throw error;
      });
    const now = this.clock();
    if (hasher.needsRehash(user.passwordHash)) {
      const passwordHash = await hasher.hash(password);
      await guarded(() => userRepository(db).update(user.id, { passwordHash }, now));
    }
    const session = await guarded(() =>
      audit.transaction(db, async (trx) => {
        const started = await this.startSession(trx, user, client, now);
        const details = { sessionId: started.sessionId };
        await audit.record(trx, {
          type: 'login.succeeded',
          userId: user.id,
          username: user.username,
          client,
          details,
        });
        return started;
      }),
    );
    return this.signed(session);
  }

  /** @throws REFRESH_TOKEN_INVALID, or REFRESH_TOKEN_REUSED after revoking the whole session */
  async refresh(refreshToken: string, client: ClientInfo): Promise<Session> {
    if (!isRefreshTokenShaped(refreshToken)) throw new AppError('REFRESH_TOKEN_INVALID');
    const now = this.clock();
    const { db, settings } = this.deps;
    const outcome = await guarded(() =>
      revokingTransaction(db, this.deps, async (trx, revoke) => {
        const rotation = await rotateRefreshToken(trx, refreshToken, settings, client, now);
        if (rotation.kind === 'reused') {
          // Theft: every access token of the session dies with it, on every instance.
          revoke({ kind: 'session', key: rotation.familyId, at: now }, rotation.userId);
        }
        if (rotation.kind === 'reused' || rotation.kind === 'retried') {
          // Both clients named: this request's, and (within the grace) the one that rotated the token first.
          await this.deps.audit.record(trx, {
            type: rotation.kind === 'reused' ? 'refresh_token.reused' : 'refresh_token.retried',
            userId: rotation.userId,
            client,
            details: {
              sessionId: rotation.familyId,
              ...(rotation.rotatedBy && { rotatedBy: rotation.rotatedBy }),
            },
          });
        }
        return rotation;
      }),
    );
    if (outcome.kind === 'rotated') return this.signed(outcome.session);
    if (outcome.kind === 'reused') {
      const security = { event: 'refresh_token_reused', userId: outcome.userId, sessionId: outcome.familyId };
      this.deps.log.warn({ security }, 'a rotated refresh token was presented again: session revoked');
      throw new AppError('REFRESH_TOKEN_REUSED');
    }
    throw new AppError('REFRESH_TOKEN_INVALID');
  }

  /**
   * Ends the session the refresh token belongs to, and its access tokens, if it is the caller's; silent
   * otherwise.
   */
  async logout(refreshToken: string, userId: string, client?: ClientInfo): Promise<void> {
    if (!isRefreshTokenShaped(refreshToken)) return;
    await guarded(() =>
      revokingTransaction(this.deps.db, this.deps, async (trx, revoke) => {
        const sessions = sessionRepository(trx);
        const token = await sessions.findByHash(hashRefreshToken(refreshToken));
        // Someone else's token is left alone, and the answer is the same: no oracle for valid tokens.
        if (token?.userId !== userId) return;
        await userRepository(trx).lock(userId);
        const now = this.clock();
        await sessions.revokeFamily(token.familyId, now);
        revoke({ kind: 'session', key: token.familyId, at: now }, userId);
        const details = { sessionId: token.familyId };
        await this.deps.audit.record(trx, { type: 'session.ended', userId, client, details });
      }),
    );
  }

  /** Ends every session of the user and every access token issued to it so far. @returns how many sessions were live */
  async revokeAllSessions(userId: string, client?: ClientInfo): Promise<number> {
    return guarded(() =>
      revokingTransaction(this.deps.db, this.deps, async (trx, revoke) => {
        await userRepository(trx).lock(userId);
        // Read under the lock: a token issued to the user from here on is after the revocation.
        const now = this.clock();
        const ended = await sessionRepository(trx).revokeAllForUser(userId, now);
        revoke({ kind: 'user', key: userId, at: now }, userId);
        await this.deps.audit.record(trx, { type: 'sessions.revoked', userId, client, details: { ended } });
        return ended;
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
    const session = await guarded(() =>
      revokingTransaction(db, this.deps, async (trx, revoke) => {
        // The update takes the user's row lock first, as every change to its sessions does.
        await userRepository(trx).lock(user.id);
        const now = this.clock();
        await userRepository(trx).update(user.id, { passwordHash }, now);
        await sessionRepository(trx).revokeAllForUser(user.id, now);
        // Every token issued so far dies; the new session's, signed after this, does not.
        revoke({ kind: 'user', key: user.id, at: now }, user.id);
        const started = await this.startSession(trx, user, client, now);
        const details = { sessionId: started.sessionId };
        await this.deps.audit.record(trx, { type: 'password.changed', userId: user.id, client, details });
        return started;
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
    const sessionId = session.sessionId;
    return { ...session, accessToken: this.deps.tokens.issue({ subject: id, username, scopes, sessionId }) };
  }
}

/** @returns the account service; resolves once the timing-equaliser hash exists */
export async function createAccountService(deps: AccountServiceDependencies): Promise<AccountService> {
  return new AccountService(deps, await CredentialCheck.create(deps.hasher, deps.throttle, deps.log));
}

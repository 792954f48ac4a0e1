import { randomBytes, randomUUID } from 'node:crypto';
import { type FastifyBaseLogger } from 'fastify';
import { type Kysely } from 'kysely';
import { type ClientInfo } from '../auth/identity';
import { type IssuedToken, type TokenService } from '../auth/token-service';
import { type Config } from '../config';
import { guarded } from '../db/errors';
import { type DatabaseSchema } from '../db/schema';
import { AppError, InputError, NotFoundError } from '../errors';
import { checkPassword, PASSWORD_MAX_BYTES, USERNAME_MAX, usernameKey } from './credentials-policy';
import { type LoginThrottle } from './login-throttle';
import { type PasswordHasher } from './password-hasher';
import { hashRefreshToken, isRefreshTokenShaped, newRefreshToken } from './refresh-token';
import { type RefreshTokenRow, sessionRepository } from './session-repository';
import { type User, userRepository, type UserWithPassword, withoutPassword } from './user-repository';

/** What a login, refresh or password change hands the client. */
export interface Session {
  readonly accessToken: IssuedToken;
  readonly refreshToken: string;
  readonly refreshTokenExpiresAt: Date;
  readonly user: User;
}

export interface AccountService {
  /** @throws INVALID_CREDENTIALS (wrong password, unknown or disabled user alike), TOO_MANY_REQUESTS */
  login(username: string, password: string, client: ClientInfo): Promise<Session>;
  /** @throws REFRESH_TOKEN_INVALID, or REFRESH_TOKEN_REUSED after revoking the whole session */
  refresh(refreshToken: string, client: ClientInfo): Promise<Session>;
  /** Ends the session the refresh token belongs to, if it is the caller's; silent otherwise. */
  logout(refreshToken: string, userId: string): Promise<void>;
  /** @returns how many live sessions were ended */
  revokeAllSessions(userId: string): Promise<number>;
  /** Ends every session of the user and starts a new one for the caller. */
  changePassword(
    userId: string,
    currentPassword: string,
    newPassword: string,
    client: ClientInfo,
  ): Promise<Session>;
}

export interface AccountServiceDependencies {
  readonly db: Kysely<DatabaseSchema>;
  readonly tokens: TokenService;
  readonly hasher: PasswordHasher;
  readonly throttle: LoginThrottle;
  readonly settings: Config['accounts'];
  readonly log: FastifyBaseLogger;
  /** Milliseconds since the epoch. */
  readonly clock?: () => number;
}

const invalidCredentials = () =>
  new AppError('INVALID_CREDENTIALS', 'The username or password is incorrect.');
const invalidRefreshToken = () =>
  new AppError(
    'REFRESH_TOKEN_INVALID',
    'The refresh token is invalid, expired or already used. Log in again.',
  );
const MAX_USER_AGENT = 256;

type RefreshOutcome =
  | { kind: 'invalid' }
  | { kind: 'reused'; userId: string; familyId: string }
  | { kind: 'rotated'; session: Omit<Session, 'accessToken'> };

/** @returns the account service; resolves once the timing-equaliser hash exists */
export async function createAccountService(deps: AccountServiceDependencies): Promise<AccountService> {
  const { db, tokens, hasher, throttle, settings, log } = deps;
  const clock = deps.clock ?? Date.now;
  // Unknown usernames are checked against this hash, so they cost as much time as a wrong password.
  const dummyHash = await hasher.hash(randomBytes(16).toString('hex'));

  function tokenRow(userId: string, familyId: string, now: number, sessionEnd: number, client: ClientInfo) {
    const token = newRefreshToken();
    const row: RefreshTokenRow = {
      id: randomUUID(),
      token_hash: hashRefreshToken(token),
      family_id: familyId,
      user_id: userId,
      created_at: now,
      expires_at: Math.min(now + settings.refreshTokenTtlSeconds * 1000, sessionEnd),
      session_expires_at: sessionEnd,
      used_at: null,
      replaced_by: null,
      revoked_at: null,
      user_agent: client.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
      ip: client.ip,
    };
    return { token, row };
  }

  function withAccessToken(session: Omit<Session, 'accessToken'>): Session {
    const { user } = session;
    return {
      ...session,
      accessToken: tokens.issue({ subject: user.id, username: user.username, scopes: user.scopes }),
    };
  }

  /** Inserts the first token of a new family; run inside the caller's transaction when there is one. */
  async function startSession(
    trx: Kysely<DatabaseSchema>,
    user: UserWithPassword,
    client: ClientInfo,
    now: number,
  ): Promise<Omit<Session, 'accessToken'>> {
    const { token, row } = tokenRow(
      user.id,
      randomUUID(),
      now,
      now + settings.sessionMaxAgeSeconds * 1000,
      client,
    );
    await sessionRepository(trx).insert(row);
    return {
      refreshToken: token,
      refreshTokenExpiresAt: new Date(row.expires_at),
      user: withoutPassword(user),
    };
  }

  async function verifyPassword(
    user: UserWithPassword | undefined,
    password: string,
    key: string,
    ip: string,
  ) {
    const valid = await hasher.verify(password, user?.passwordHash ?? dummyHash);
    if (!user || !valid || user.disabledAt !== null) {
      await guarded(() => throttle.recordFailure(key, ip));
      throw invalidCredentials();
    }
    await guarded(() => throttle.recordSuccess(key));
  }

  return {
    async login(username, password, client) {
      // Bounds the work an anonymous caller can cause; real credentials are far shorter.
      if (username.length > USERNAME_MAX) {
        throw new InputError(`username must be at most ${USERNAME_MAX} characters`, 'username', 'length');
      }
      if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
        throw new InputError(
          `password must be at most ${PASSWORD_MAX_BYTES} bytes`,
          'password',
          'max_length',
        );
      }
      const key = usernameKey(username);
      await guarded(() => throttle.check(key, client.ip));
      const user = await guarded(() => userRepository(db).findByKey(key));
      await verifyPassword(user, password, key, client.ip);
      const found = user!;
      const now = clock();
      if (hasher.needsRehash(found.passwordHash)) {
        const upgraded = await hasher.hash(password);
        await guarded(() => userRepository(db).update(found.id, { password_hash: upgraded }, now));
      }
      return withAccessToken(await guarded(() => startSession(db, found, client, now)));
    },

    async refresh(refreshToken, client) {
      if (!isRefreshTokenShaped(refreshToken)) throw invalidRefreshToken();
      const now = clock();
      const outcome = await guarded(() =>
        db.transaction().execute(async (trx): Promise<RefreshOutcome> => {
          const sessions = sessionRepository(trx);
          const row = await sessions.findByHash(hashRefreshToken(refreshToken));
          if (!row || row.revoked_at !== null) return { kind: 'invalid' };
          if (row.used_at !== null) {
            // Two tabs refreshing at once is not theft: the slower one just loses.
            if (now - row.used_at <= settings.refreshReuseGraceSeconds * 1000) return { kind: 'invalid' };
            await sessions.revokeFamily(row.family_id, now);
            return { kind: 'reused', userId: row.user_id, familyId: row.family_id };
          }
          if (row.expires_at <= now || row.session_expires_at <= now) return { kind: 'invalid' };
          const user = await userRepository(trx).findById(row.user_id);
          if (!user || user.disabledAt !== null) {
            await sessions.revokeFamily(row.family_id, now);
            return { kind: 'invalid' };
          }
          const next = tokenRow(user.id, row.family_id, now, row.session_expires_at, client);
          if (!(await sessions.markUsed(row.id, now, next.row.id))) return { kind: 'invalid' };
          await sessions.insert(next.row);
          return {
            kind: 'rotated',
            session: {
              refreshToken: next.token,
              refreshTokenExpiresAt: new Date(next.row.expires_at),
              user: withoutPassword(user),
            },
          };
        }),
      );
      if (outcome.kind === 'rotated') return withAccessToken(outcome.session);
      if (outcome.kind === 'reused') {
        log.warn(
          {
            security: { event: 'refresh_token_reused', userId: outcome.userId, sessionId: outcome.familyId },
          },
          'a rotated refresh token was presented again: session revoked',
        );
        throw new AppError(
          'REFRESH_TOKEN_REUSED',
          'This refresh token was already used. The session has been ended for safety; log in again.',
        );
      }
      throw invalidRefreshToken();
    },

    async logout(refreshToken, userId) {
      if (!isRefreshTokenShaped(refreshToken)) return;
      await guarded(async () => {
        const sessions = sessionRepository(db);
        const row = await sessions.findByHash(hashRefreshToken(refreshToken));
        // Someone else's token is left alone, and the answer is the same: no oracle for valid tokens.
        if (row && row.user_id === userId) await sessions.revokeFamily(row.family_id, clock());
      });
    },

    async revokeAllSessions(userId) {
      return guarded(() => sessionRepository(db).revokeAllForUser(userId, clock()));
    },

    async changePassword(userId, currentPassword, newPassword, client) {
      const user = await guarded(() => userRepository(db).findById(userId));
      if (!user) throw new NotFoundError('No user account belongs to this token.');
      if (Buffer.byteLength(currentPassword, 'utf8') > PASSWORD_MAX_BYTES) throw invalidCredentials();
      const key = usernameKey(user.username);
      await guarded(() => throttle.check(key, client.ip));
      await verifyPassword(user, currentPassword, key, client.ip);
      checkPassword(newPassword, user.username, 'newPassword');
      if (newPassword === currentPassword) {
        throw new InputError('newPassword must differ from the current password', 'newPassword', 'unchanged');
      }
      const hash = await hasher.hash(newPassword);
      const now = clock();
      const session = await guarded(() =>
        db.transaction().execute(async (trx) => {
          await userRepository(trx).update(user.id, { password_hash: hash }, now);
          await sessionRepository(trx).revokeAllForUser(user.id, now);
          return startSession(trx, user, client, now);
        }),
      );
      return withAccessToken(session);
    },
  };
}

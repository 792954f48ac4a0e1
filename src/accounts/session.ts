import { randomUUID } from 'node:crypto';
import { type AccessToken } from '../auth/token-issuer';
import { type Config } from '../config';
import { type ClientInfo } from '../request-context';
import { hashRefreshToken, newRefreshToken } from './refresh-token';
import { type NewRefreshToken } from './session-repository';
import { type UserAccount } from './user-repository';

/** What a login, refresh or password change hands the client. */
export interface Session {
  /** The refresh-token family: the access token's `sid`, what logout revokes. */
  readonly sessionId: string;
  readonly accessToken: AccessToken;
  readonly refreshToken: string;
  readonly refreshTokenExpiresAt: Date;
  readonly user: UserAccount;
}

/** A session whose refresh token is stored; its access token is signed once the transaction is over. */
export type StoredSession = Omit<Session, 'accessToken'>;

/**
 * A new refresh token of the family `familyId` for `user`: what the client gets, and the record the
 * repository stores (only the token's hash). It expires after the configured lifetime, or with its
 * session, whichever comes first.
 */
export function nextRefreshToken(
  settings: Pick<Config['accounts'], 'refreshTokenTtlSeconds'>,
  user: UserAccount,
  family: { id: string; expiresAt: number; createdAt: number },
  client: ClientInfo,
  now: number,
): { session: StoredSession; record: NewRefreshToken } {
  const token = newRefreshToken();
  const expiresAt = Math.min(now + settings.refreshTokenTtlSeconds * 1000, family.expiresAt);
  const record: NewRefreshToken = {
    id: randomUUID(),
    tokenHash: hashRefreshToken(token),
    familyId: family.id,
    userId: user.id,
    createdAt: now,
    expiresAt,
    sessionExpiresAt: family.expiresAt,
    sessionCreatedAt: family.createdAt,
    client,
  };
  return {
    session: { sessionId: family.id, refreshToken: token, refreshTokenExpiresAt: new Date(expiresAt), user },
    record,
  };
}

/** The first refresh token of a new family, which ends `sessionMaxAgeSeconds` from now. */
export function firstRefreshToken(
  settings: Pick<Config['accounts'], 'refreshTokenTtlSeconds' | 'sessionMaxAgeSeconds'>,
  user: UserAccount,
  client: ClientInfo,
  now: number,
): { session: StoredSession; record: NewRefreshToken } {
  const family = { id: randomUUID(), expiresAt: now + settings.sessionMaxAgeSeconds * 1000, createdAt: now };
  return nextRefreshToken(settings, user, family, client, now);
}

import { type Kysely } from 'kysely';
import { type Config } from '../config';
import { type DatabaseSchema } from '../db/schema';
import { type ClientInfo } from '../request-context';
import { hashRefreshToken } from './refresh-token';
import { nextRefreshToken, type StoredSession } from './session';
import { sessionRepository } from './session-repository';
import { userRepository, withoutPassword } from './user-repository';

export type RefreshOutcome =
  | { readonly kind: 'invalid' }
  | { readonly kind: 'reused'; readonly userId: string; readonly familyId: string }
  | { readonly kind: 'rotated'; readonly session: StoredSession };

/**
 * Exchanges a refresh token for the next of its family, inside the caller's transaction `trx`. A token
 * presented again after its rotation (outside the grace window) is theft: the whole family is revoked. A
 * disabled or deleted user's family is revoked too.
 */
export async function rotateRefreshToken(
  trx: Kysely<DatabaseSchema>,
  refreshToken: string,
  settings: Pick<Config['accounts'], 'refreshTokenTtlSeconds' | 'refreshReuseGraceSeconds'>,
  client: ClientInfo,
  now: number,
): Promise<RefreshOutcome> {
  const sessions = sessionRepository(trx);
  const tokenHash = hashRefreshToken(refreshToken);
  const found = await sessions.findByHash(tokenHash);
  if (!found) return { kind: 'invalid' };
  // Read again under the owner's lock: a revocation that committed meanwhile is seen, and one that comes
  // later waits for this rotation and then revokes its new token too.
  await userRepository(trx).lock(found.userId);
  const presented = await sessions.findByHash(tokenHash);
  if (!presented || presented.revokedAt !== null) return { kind: 'invalid' };
  if (presented.usedAt !== null) {
    // Two tabs refreshing at once is not theft: the slower one just loses.
    if (now - presented.usedAt <= settings.refreshReuseGraceSeconds * 1000) return { kind: 'invalid' };
    await sessions.revokeFamily(presented.familyId, now);
    return { kind: 'reused', userId: presented.userId, familyId: presented.familyId };
  }
  if (presented.expiresAt <= now || presented.sessionExpiresAt <= now) return { kind: 'invalid' };
  const user = await userRepository(trx).findById(presented.userId);
  if (!user || user.disabledAt !== null) {
    await sessions.revokeFamily(presented.familyId, now);
    return { kind: 'invalid' };
  }
  const family = { id: presented.familyId, expiresAt: presented.sessionExpiresAt };
  const next = nextRefreshToken(settings, withoutPassword(user), family, client, now);
  if (!(await sessions.markUsed(presented.id, now, next.record.id))) return { kind: 'invalid' };
  await sessions.insert(next.record);
  return { kind: 'rotated', session: next.session };
}

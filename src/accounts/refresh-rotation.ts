import { type Kysely } from 'kysely';
import { type Config } from '../config';
import { type DatabaseSchema } from '../db/schema';
import { type ClientInfo } from '../request-context';
import { hashRefreshToken } from './refresh-token';
import { nextRefreshToken, type StoredSession } from './session';
import { storedUserAgent } from './device';
import { sessionRepository } from './session-repository';
import { userRepository, withoutPassword } from './user-repository';

/** The client that rotated a token first, as its successor's row remembers it. */
export interface RotatingClient {
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export type RefreshOutcome =
  | { readonly kind: 'invalid' }
  | {
      readonly kind: 'reused';
      readonly userId: string;
      readonly familyId: string;
      /** Set when the reuse came within the grace, from another client: who rotated the token first. */
      readonly rotatedBy?: RotatingClient;
    }
  | {
      /** Within the grace, from the same client (or any, where allowed): a retry, refused and recorded. */
      readonly kind: 'retried';
      readonly userId: string;
      readonly familyId: string;
      readonly rotatedBy: RotatingClient | undefined;
    }
  | { readonly kind: 'rotated'; readonly session: StoredSession };

/**
 * Whether `client` is another client than the one that rotated first: another address and another user
 * agent. One of them alone changes for a single client too (a phone moving between networks; an app
 * updated between two tries), so it takes both.
 */
function anotherClient(first: RotatingClient | undefined, client: ClientInfo): boolean {
  if (!first) return false;
  return first.ip !== client.ip && first.userAgent !== storedUserAgent(client.userAgent);
}

/**
 * Exchanges a refresh token for the next of its family, inside the caller's transaction `trx`. A token
 * presented again after its rotation is theft, and the whole family is revoked: after the grace window, or
 * within it from another client (unless `refreshReuseGraceAcrossClients`); within the grace from the
 * same client it is a retry that lost a race (two tabs), refused without ending anything. A disabled or
 * deleted user's family is revoked too.
 */
export async function rotateRefreshToken(
  trx: Kysely<DatabaseSchema>,
  refreshToken: string,
  settings: Pick<
    Config['accounts'],
    'refreshTokenTtlSeconds' | 'refreshReuseGraceSeconds' | 'refreshReuseGraceAcrossClients'
  >,
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
    const { userId, familyId } = presented;
    if (now - presented.usedAt <= settings.refreshReuseGraceSeconds * 1000) {
      const rotatedBy = presented.replacedBy ? await sessions.clientOf(presented.replacedBy) : undefined;
      if (settings.refreshReuseGraceAcrossClients || !anotherClient(rotatedBy, client)) {
        return { kind: 'retried', userId, familyId, rotatedBy };
      }
      await sessions.revokeFamily(familyId, now);
      return { kind: 'reused', userId, familyId, rotatedBy };
    }
    await sessions.revokeFamily(familyId, now);
    return { kind: 'reused', userId, familyId };
  }
  if (presented.expiresAt <= now || presented.sessionExpiresAt <= now) return { kind: 'invalid' };
  const user = await userRepository(trx).findById(presented.userId);
  if (!user || user.disabledAt !== null) {
    await sessions.revokeFamily(presented.familyId, now);
    return { kind: 'invalid' };
  }
  const family = {
    id: presented.familyId,
    expiresAt: presented.sessionExpiresAt,
    createdAt: presented.sessionCreatedAt,
  };
  const next = nextRefreshToken(settings, withoutPassword(user), family, client, now);
  if (!(await sessions.markUsed(presented.id, now, next.record.id))) return { kind: 'invalid' };
  await sessions.insert(next.record);
  return { kind: 'rotated', session: next.session };
}

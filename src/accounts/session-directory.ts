import { type Kysely } from 'kysely';
import { type AuditTrail } from '../audit/audit-trail';
import { guarded } from '../db/errors';
import { type DatabaseSchema } from '../db/schema';
import { NotFoundError } from '../errors';
import { type ClientInfo } from '../request-context';
import { type Revocations, revokingTransaction } from '../revocation/revoking-transaction';
import { type SessionRecord, sessionRepository } from './session-repository';
import { unstorable, userRepository } from './user-repository';

/** Longer than any session id (a UUID): not looked up. */
const MAX_SESSION_ID_LENGTH = 64;

export interface SessionDirectoryDependencies {
  readonly db: Kysely<DatabaseSchema>;
  readonly revocations: Revocations;
  readonly audit: AuditTrail;
  readonly clock?: () => number;
}

/**
 * Where a user is signed in, and ending one session or all others: what an account page and an
 * administrator need. Who may ask is the permission map's business (the owner, or users:read / users:write);
 * here a session is ended everywhere: its refresh token at once, its access tokens on every instance within
 * a second, its sockets with them.
 */
export class SessionDirectory {
  private readonly clock: () => number;

  constructor(private readonly deps: SessionDirectoryDependencies) {
    this.clock = deps.clock ?? Date.now;
  }

  /** The user's live sessions, most recently used first. */
  list(userId: string): Promise<SessionRecord[]> {
    return guarded(() => sessionRepository(this.deps.db).liveSessions(userId, this.clock()));
  }

  /** Whose session this is (what the owner rule reads); undefined when there is none with this id. */
  async ownerOf(sessionId: string): Promise<string | undefined> {
    if (sessionId.length > MAX_SESSION_ID_LENGTH || unstorable(sessionId)) return undefined;
    return guarded(() => sessionRepository(this.deps.db).ownerOf(sessionId));
  }

  /**
   * Ends one session. `actorId` is who asked, when not its owner (an administrator).
   * @returns whether it was live (false: it had already ended)
   * @throws NotFoundError when no session has this id
   */
  async revoke(sessionId: string, actorId: string | undefined, client: ClientInfo): Promise<boolean> {
    const userId = await this.ownerOf(sessionId);
    if (!userId) throw new NotFoundError('No session has this id.');
    return guarded(() =>
      revokingTransaction(this.deps.db, this.deps, async (trx, revoke) => {
        // The owner's lock first, as every change to a user's sessions takes it; liveness is read under it.
        await userRepository(trx).lock(userId);
        const now = this.clock();
        const sessions = sessionRepository(trx);
        if (!(await sessions.isLive(sessionId, now))) return false;
        await sessions.revokeFamily(sessionId, now);
        revoke({ kind: 'session', key: sessionId, at: now }, userId);
        await this.deps.audit.record(trx, {
          type: 'session.revoked',
          userId,
          ...(actorId !== undefined && actorId !== userId && { actorId }),
          client,
          details: { sessionId },
        });
        return true;
      }),
    );
  }

  /**
   * Ends every live session of the user but `keep` (the caller's own; none when its token names no
   * session). @returns how many it ended
   */
  async revokeOthers(userId: string, keep: string | undefined, client: ClientInfo): Promise<number> {
    return guarded(() =>
      revokingTransaction(this.deps.db, this.deps, async (trx, revoke) => {
        await userRepository(trx).lock(userId);
        const now = this.clock();
        const ended = await sessionRepository(trx).revokeOthersForUser(userId, keep, now);
        for (const sessionId of ended) revoke({ kind: 'session', key: sessionId, at: now }, userId);
        if (ended.length > 0) {
          await this.deps.audit.record(trx, {
            type: 'sessions.revoked',
            userId,
            client,
            details: { ended: ended.length, ...(keep && { kept: keep }) },
          });
        }
        return ended.length;
      }),
    );
  }
}

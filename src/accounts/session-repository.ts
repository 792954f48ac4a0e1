import { type Kysely, type Selectable } from 'kysely';
import { type DatabaseSchema, type RefreshTokensTable } from '../db/schema';
import { type ClientInfo } from '../request-context';
import { deviceLabel, storedUserAgent } from './device';

/** One refresh token of a session (a family of tokens, each replacing the one before). Times: epoch ms. */
export interface RefreshTokenRecord {
  readonly id: string;
  readonly familyId: string;
  readonly userId: string;
  readonly expiresAt: number;
  /** The family's absolute end. */
  readonly sessionExpiresAt: number;
  /** When the family began (the login). */
  readonly sessionCreatedAt: number;
  /** When it was exchanged for its successor. */
  readonly usedAt: number | null;
  /** The successor's id, once exchanged. */
  readonly replacedBy: string | null;
  readonly revokedAt: number | null;
}

export interface NewRefreshToken {
  readonly id: string;
  /** SHA-256 of the token (refresh-token.ts): the token itself is never stored. */
  readonly tokenHash: string;
  readonly familyId: string;
  readonly userId: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly sessionExpiresAt: number;
  readonly sessionCreatedAt: number;
  readonly client: ClientInfo;
}

/**
 * A live session (a family whose last token is unused, unrevoked and unexpired), as its last token
 * describes it: where and on what it was last used, and when it ends unless refreshed.
 */
export interface SessionRecord {
  readonly id: string;
  readonly userId: string;
  readonly createdAt: number;
  /** When its last token was issued: the login, or the latest refresh. */
  readonly lastUsedAt: number;
  readonly expiresAt: number;
  readonly ipAddress: string | null;
  readonly userAgent: string | null;
  readonly deviceLabel: string;
}

function toRecord(row: Selectable<RefreshTokensTable>): RefreshTokenRecord {
  return {
    id: row.id,
    familyId: row.family_id,
    userId: row.user_id,
    expiresAt: row.expires_at,
    sessionExpiresAt: row.session_expires_at,
    sessionCreatedAt: row.session_created_at ?? row.created_at,
    usedAt: row.used_at,
    replacedBy: row.replaced_by,
    revokedAt: row.revoked_at,
  };
}

/** Refresh tokens and their families (sessions), in domain terms. */
export class SessionRepository {
  constructor(private readonly db: Kysely<DatabaseSchema>) {}

  async insert(token: NewRefreshToken): Promise<void> {
    const userAgent = storedUserAgent(token.client.userAgent);
    await this.db
      .insertInto('refresh_tokens')
      .values({
        id: token.id,
        token_hash: token.tokenHash,
        family_id: token.familyId,
        user_id: token.userId,
        created_at: token.createdAt,
        expires_at: token.expiresAt,
        session_expires_at: token.sessionExpiresAt,
        used_at: null,
        replaced_by: null,
        revoked_at: null,
        user_agent: userAgent,
        ip: token.client.ip,
        session_created_at: token.sessionCreatedAt,
        device_label: deviceLabel(userAgent),
      })
      .execute();
  }

  /**
   * The user's live sessions, most recently used first: one query on the user's index, reading each
   * family's one live token.
   */
  async liveSessions(userId: string, now: number): Promise<SessionRecord[]> {
    const rows = await this.db
      .selectFrom('refresh_tokens')
      .select([
        'family_id',
        'user_id',
        'created_at',
        'expires_at',
        'session_created_at',
        'ip',
        'user_agent',
        'device_label',
      ])
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .orderBy('family_id')
      .execute();
    return rows.map((row) => {
      // Rows written before user agents were cleaned are cleaned on the way out.
      const userAgent = storedUserAgent(row.user_agent);
      return {
        id: row.family_id,
        userId: row.user_id,
        createdAt: row.session_created_at ?? row.created_at,
        lastUsedAt: row.created_at,
        expiresAt: row.expires_at,
        ipAddress: row.ip,
        userAgent,
        deviceLabel: row.device_label ?? deviceLabel(userAgent),
      };
    });
  }

  /** Who a session belongs to (ended or not); undefined when no session has this id. */
  async ownerOf(sessionId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('refresh_tokens')
      .select('user_id')
      .where('family_id', '=', sessionId)
      .limit(1)
      .executeTakeFirst();
    return row?.user_id;
  }

  /** Whether the session is live: its last token unused, unrevoked and unexpired. */
  async isLive(sessionId: string, now: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('refresh_tokens')
      .select('id')
      .where('family_id', '=', sessionId)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The client a token was issued to (its address, and its user agent as stored), if the row is there. */
  async clientOf(id: string): Promise<{ ip: string | null; userAgent: string | null } | undefined> {
    const row = await this.db
      .selectFrom('refresh_tokens')
      .select(['ip', 'user_agent'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { ip: row.ip, userAgent: row.user_agent };
  }

  async findByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const row = await this.db
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  /**
   * Marks a token as exchanged, only if nobody did so first. Of two concurrent refreshes with the same
   * token exactly one gets true: the database serialises the conditional update.
   */
  async markUsed(id: string, now: number, replacedBy: string): Promise<boolean> {
    const result = await this.db
      .updateTable('refresh_tokens')
      .set({ used_at: now, replaced_by: replacedBy })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async revokeFamily(familyId: string, now: number): Promise<void> {
    await this.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: now })
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /**
   * Deletes the rows that stopped working before `cutoff`: revoked ones, those of sessions past their
   * end, and unused tokens past their expiry. A rotated token of a live session stays, since presenting
   * it again is how reuse is detected.
   * @returns how many rows were deleted
   */
  async purge(cutoff: number): Promise<number> {
    const result = await this.db
      .deleteFrom('refresh_tokens')
      .where((eb) =>
        eb.or([
          eb('revoked_at', '<=', cutoff),
          eb('session_expires_at', '<=', cutoff),
          eb.and([eb('expires_at', '<=', cutoff), eb('used_at', 'is', null)]),
        ]),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** @returns how many sessions (families) were still live and are now revoked */
  async revokeAllForUser(userId: string, now: number): Promise<number> {
    const families = await this.db
      .selectFrom('refresh_tokens')
      .select('family_id')
      .distinct()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('session_expires_at', '>', now)
      .execute();
    await this.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: now })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
    return families.length;
  }

  /** Revokes every live session of the user but `keep`. @returns the ids of the sessions it ended */
  async revokeOthersForUser(userId: string, keep: string | undefined, now: number): Promise<string[]> {
    const live = (await this.liveSessions(userId, now))
      .map((session) => session.id)
      .filter((id) => id !== keep);
    if (live.length === 0) return [];
    await this.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: now })
      .where('family_id', 'in', live)
      .where('revoked_at', 'is', null)
      .execute();
    return live;
  }
}

/** The repository over `db`: the database, or a transaction to make its calls part of it. */
export function sessionRepository(db: Kysely<DatabaseSchema>): SessionRepository {
  return new SessionRepository(db);
}

import { type Kysely, type Selectable } from 'kysely';
import { type DatabaseSchema, type RefreshTokensTable } from '../db/schema';
import { type ClientInfo } from '../request-context';

export const MAX_USER_AGENT = 256;

/** One refresh token of a session (a family of tokens, each replacing the one before). Times: epoch ms. */
export interface RefreshTokenRecord {
  readonly id: string;
  readonly familyId: string;
  readonly userId: string;
  readonly expiresAt: number;
  /** The family's absolute end. */
  readonly sessionExpiresAt: number;
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
  readonly client: ClientInfo;
}

function toRecord(row: Selectable<RefreshTokensTable>): RefreshTokenRecord {
  return {
    id: row.id,
    familyId: row.family_id,
    userId: row.user_id,
    expiresAt: row.expires_at,
    sessionExpiresAt: row.session_expires_at,
    usedAt: row.used_at,
    replacedBy: row.replaced_by,
    revokedAt: row.revoked_at,
  };
}

/** Refresh tokens and their families (sessions), in domain terms. */
export class SessionRepository {
  constructor(private readonly db: Kysely<DatabaseSchema>) {}

  async insert(token: NewRefreshToken): Promise<void> {
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
        user_agent: token.client.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
        ip: token.client.ip,
      })
      .execute();
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
}

/** The repository over `db`: the database, or a transaction to make its calls part of it. */
export function sessionRepository(db: Kysely<DatabaseSchema>): SessionRepository {
  return new SessionRepository(db);
}

import { type Kysely, type Selectable } from 'kysely';
import { type DatabaseSchema, type RefreshTokensTable } from '../db/schema';

export type RefreshTokenRow = Selectable<RefreshTokensTable>;

/** SQL for refresh tokens and their families (sessions). Pass a transaction to make its calls part of it. */
export function sessionRepository(db: Kysely<DatabaseSchema>) {
  return {
    async insert(row: RefreshTokenRow): Promise<void> {
      await db.insertInto('refresh_tokens').values(row).execute();
    },

    async findByHash(tokenHash: string): Promise<RefreshTokenRow | undefined> {
      return db
        .selectFrom('refresh_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
    },

    /**
     * Marks a token as exchanged, only if nobody did so first. Of two concurrent refreshes with the same
     * token exactly one gets true: the database serialises the conditional update.
     */
    async markUsed(id: string, now: number, replacedBy: string): Promise<boolean> {
      const result = await db
        .updateTable('refresh_tokens')
        .set({ used_at: now, replaced_by: replacedBy })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },

    async revokeFamily(familyId: string, now: number): Promise<void> {
      await db
        .updateTable('refresh_tokens')
        .set({ revoked_at: now })
        .where('family_id', '=', familyId)
        .where('revoked_at', 'is', null)
        .execute();
    },

    /** @returns how many sessions (families) were still live and are now revoked */
    async revokeAllForUser(userId: string, now: number, exceptFamilyId?: string): Promise<number> {
      let live = db
        .selectFrom('refresh_tokens')
        .select('family_id')
        .distinct()
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('session_expires_at', '>', now);
      if (exceptFamilyId) live = live.where('family_id', '!=', exceptFamilyId);
      const families = await live.execute();
      let update = db
        .updateTable('refresh_tokens')
        .set({ revoked_at: now })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null);
      if (exceptFamilyId) update = update.where('family_id', '!=', exceptFamilyId);
      await update.execute();
      return families.length;
    },
  };
}

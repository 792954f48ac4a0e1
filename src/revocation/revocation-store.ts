import { randomUUID } from 'node:crypto';
import { type Kysely } from 'kysely';
import { REVOCATION_KINDS, type Revocation, type RevocationKind } from '../auth/revocation-registry';
import { type DatabaseSchema } from '../db/schema';

const INSERT_BATCH = 1000;

/** The `revocations` table: what a starting instance loads and a polling one reads again. */
export class RevocationStore {
  /** @param retentionMs how long after it was made a revocation can still match a valid token */
  constructor(
    private readonly db: Kysely<DatabaseSchema>,
    private readonly retentionMs: number,
  ) {}

  /** Inside the caller's transaction when `db` is one, so a revocation is stored with what caused it. */
  async insert(revocations: readonly Revocation[]): Promise<void> {
    // SQLite takes at most 32 766 bound values per statement: five per row.
    for (let start = 0; start < revocations.length; start += INSERT_BATCH) {
      await this.db
        .insertInto('revocations')
        .values(
          revocations.slice(start, start + INSERT_BATCH).map(({ kind, key, at }) => ({
            id: randomUUID(),
            kind,
            key,
            revoked_at: at,
            expires_at: at + this.retentionMs,
          })),
        )
        .execute();
    }
  }

  /** Every revocation that can still match a valid token. */
  async live(nowMs: number): Promise<Revocation[]> {
    const rows = await this.db
      .selectFrom('revocations')
      .select(['kind', 'key', 'revoked_at'])
      .where('expires_at', '>', nowMs)
      .execute();
    return rows.flatMap((row) =>
      REVOCATION_KINDS.includes(row.kind as RevocationKind)
        ? [{ kind: row.kind as RevocationKind, key: row.key, at: row.revoked_at }]
        : [],
    );
  }

  /** @returns how many rows no valid token can match any more were deleted */
  async purge(nowMs: number): Promise<number> {
    const result = await this.db
      .deleteFrom('revocations')
      .where('expires_at', '<=', nowMs)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

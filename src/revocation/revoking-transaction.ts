import { type Kysely } from 'kysely';
import { type Revocation } from '../auth/revocation-registry';
import { type AuditTrail } from '../audit/audit-trail';
import { type DatabaseSchema } from '../db/schema';

/** Where revocations go: stored and announced in a transaction, then applied here ({@link RevocationFeed}). */
export interface Revocations {
  record(trx: Kysely<DatabaseSchema>, revocations: readonly Revocation[]): Promise<void>;
  apply(revocations: readonly Revocation[]): void;
}

/** Revokes inside a {@link revokingTransaction}; `userId` is the account the audit event names. */
export type Revoke = (revocation: Revocation, userId?: string) => void;

/**
 * Runs `work` in one transaction. What it revokes is stored, announced to the other instances and
 * recorded in the audit trail in that same transaction, so a change and the revocations it implies commit
 * or roll back together; once it commits they take effect on this instance before the caller answers.
 */
export async function revokingTransaction<T>(
  db: Kysely<DatabaseSchema>,
  { revocations, audit }: { revocations: Revocations; audit: AuditTrail },
  work: (trx: Kysely<DatabaseSchema>, revoke: Revoke) => Promise<T>,
): Promise<T> {
  const revoked: Array<{ revocation: Revocation; userId: string | undefined }> = [];
  const all = () => revoked.map(({ revocation }) => revocation);
  const result = await audit.transaction(db, async (trx) => {
    const value = await work(trx, (revocation, userId) => revoked.push({ revocation, userId }));
    await revocations.record(trx, all());
    await audit.record(
      trx,
      ...revoked.map(({ revocation: { kind, key }, userId }) => ({
        type: 'access.revoked' as const,
        ...(userId !== undefined && { userId }),
        details: { kind, key },
      })),
    );
    return value;
  });
  revocations.apply(all());
  return result;
}

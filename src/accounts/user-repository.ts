import { randomUUID } from 'node:crypto';
import { type Kysely, PostgresAdapter, type Selectable, type Updateable } from 'kysely';
import { type DatabaseSchema, type UsersTable } from '../db/schema';
import { usernameKey } from './credentials-policy';

/** A user account as the rest of the application sees it: never with the password hash. */
export interface UserAccount {
  readonly id: string;
  readonly username: string;
  readonly scopes: readonly string[];
  readonly disabledAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What only password checks see. */
export interface UserAccountWithPassword extends UserAccount {
  readonly passwordHash: string;
}

export interface UserChanges {
  readonly passwordHash?: string;
  readonly scopes?: readonly string[];
  readonly disabledAt?: Date | null;
}

function toAccount(row: Selectable<UsersTable>): UserAccountWithPassword {
  return {
    id: row.id,
    username: row.username,
    scopes: row.scopes.split(' ').filter(Boolean),
    disabledAt: row.disabled_at === null ? null : new Date(row.disabled_at),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    passwordHash: row.password_hash,
  };
}

function toRow(changes: UserChanges): Updateable<UsersTable> {
  return {
    ...(changes.passwordHash !== undefined && { password_hash: changes.passwordHash }),
    ...(changes.scopes !== undefined && { scopes: changes.scopes.join(' ') }),
    ...(changes.disabledAt !== undefined && { disabled_at: changes.disabledAt?.getTime() ?? null }),
  };
}

/**
 * PostgreSQL text cannot hold NUL, and nothing stored contains one (usernames are ASCII, ids UUIDs): a
 * lookup by such a string finds nothing here, instead of reaching the driver and failing as an outage.
 */
export const unstorable = (text: string) => text.includes('\u0000');

export function withoutPassword({ passwordHash: _hash, ...user }: UserAccountWithPassword): UserAccount {
  return user;
}

/** The users table, in domain terms. */
export class UserRepository {
  constructor(private readonly db: Kysely<DatabaseSchema>) {}

  async findByKey(key: string): Promise<UserAccountWithPassword | undefined> {
    if (unstorable(key)) return undefined;
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('username_key', '=', key)
      .executeTakeFirst();
    return row && toAccount(row);
  }

  /**
   * Holds the user's row lock until the transaction this repository runs in ends. Every change to a
   * user's sessions takes it first, so a refresh and a revocation for one user run one after the other,
   * and under PostgreSQL's READ COMMITTED the second one's next statement sees what the first committed.
   * SQLite needs none: its one connection runs one transaction at a time.
   */
  async lock(id: string): Promise<void> {
    if (!(this.db.getExecutor().adapter instanceof PostgresAdapter)) return;
    await this.db.selectFrom('users').select('id').where('id', '=', id).forUpdate().execute();
  }

  async findById(id: string): Promise<UserAccountWithPassword | undefined> {
    if (unstorable(id)) return undefined;
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toAccount(row);
  }

  /** @throws the driver's unique-violation error when the username (case-insensitively) is taken */
  async insert(
    user: { username: string; passwordHash: string; scopes: readonly string[] },
    now: number,
  ): Promise<UserAccount> {
    const row: Selectable<UsersTable> = {
      id: randomUUID(),
      username: user.username,
      username_key: usernameKey(user.username),
      password_hash: user.passwordHash,
      scopes: user.scopes.join(' '),
      disabled_at: null,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('users').values(row).execute();
    return withoutPassword(toAccount(row));
  }

  async update(id: string, changes: UserChanges, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('users')
      .set({ ...toRow(changes), updated_at: now })
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /** Users ordered by username key, strictly after `afterKey`, each with its key (the page cursor). */
  async list(
    afterKey: string | undefined,
    limit: number,
  ): Promise<Array<{ user: UserAccount; key: string }>> {
    let query = this.db.selectFrom('users').selectAll().orderBy('username_key').limit(limit);
    if (afterKey !== undefined) query = query.where('username_key', '>', afterKey);
    const rows = await query.execute();
    return rows.map((row) => ({ user: withoutPassword(toAccount(row)), key: row.username_key }));
  }

  async count(): Promise<number> {
    const { count } = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .executeTakeFirstOrThrow();
    return Number(count);
  }
}

/** The repository over `db`: the database, or a transaction to make its calls part of it. */
export function userRepository(db: Kysely<DatabaseSchema>): UserRepository {
  return new UserRepository(db);
}

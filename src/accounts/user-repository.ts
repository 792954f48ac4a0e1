import { type Kysely, type Selectable } from 'kysely';
import { type DatabaseSchema, type UsersTable } from '../db/schema';

/** A user as the rest of the application sees it: never with the password hash. */
export interface User {
  readonly id: string;
  readonly username: string;
  readonly scopes: readonly string[];
  readonly disabledAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface UserWithPassword extends User {
  readonly passwordHash: string;
}

function toUser(row: Selectable<UsersTable>): UserWithPassword {
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

export function withoutPassword({ passwordHash: _hash, ...user }: UserWithPassword): User {
  return user;
}

/** SQL for the users table. Pass a transaction to make its calls part of it. */
export function userRepository(db: Kysely<DatabaseSchema>) {
  return {
    async findByKey(usernameKey: string): Promise<UserWithPassword | undefined> {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('username_key', '=', usernameKey)
        .executeTakeFirst();
      return row && toUser(row);
    },

    async findById(id: string): Promise<UserWithPassword | undefined> {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toUser(row);
    },

    /** @throws the driver's unique-violation error when the username is taken */
    async insert(row: Selectable<UsersTable>): Promise<User> {
      await db.insertInto('users').values(row).execute();
      return withoutPassword(toUser(row));
    },

    async update(
      id: string,
      changes: Partial<Pick<UsersTable, 'password_hash' | 'scopes' | 'disabled_at'>>,
      now: number,
    ): Promise<boolean> {
      const result = await db
        .updateTable('users')
        .set({ ...changes, updated_at: now })
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numUpdatedRows === 1n;
    },

    /** Users ordered by username key, strictly after `afterKey`. */
    async list(afterKey: string | undefined, limit: number): Promise<Array<User & { key: string }>> {
      let query = db.selectFrom('users').selectAll().orderBy('username_key').limit(limit);
      if (afterKey !== undefined) query = query.where('username_key', '>', afterKey);
      const rows = await query.execute();
      return rows.map((row) => ({ ...withoutPassword(toUser(row)), key: row.username_key }));
    },

    async count(): Promise<number> {
      const { count } = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number | string>().as('count'))
        .executeTakeFirstOrThrow();
      return Number(count);
    },
  };
}

import { randomUUID } from 'node:crypto';
import { type Kysely } from 'kysely';
import { checkScopes, missingScopes } from '../auth/scopes';
import { guarded, isUniqueViolation } from '../db/errors';
import { type DatabaseSchema } from '../db/schema';
import { ForbiddenError, InputError, NotFoundError, ServiceUnavailableError } from '../errors';
import { checkPassword, checkUsername, usernameKey } from './credentials-policy';
import { type PasswordHasher } from './password-hasher';
import { sessionRepository } from './session-repository';
import { type User, userRepository, withoutPassword } from './user-repository';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface UserPage {
  readonly users: readonly User[];
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
}

/** Who asks: their scopes bound what they may grant. Operators at the CLI pass none (no bound). */
export interface Actor {
  readonly userId?: string;
  readonly grantableScopes?: readonly string[];
}

export interface UserAdminService {
  listUsers(first: number | undefined, after: string | undefined): Promise<UserPage>;
  createUser(
    input: { username: string; password: string; scopes: readonly string[] },
    actor: Actor,
  ): Promise<User>;
  setUserScopes(userId: string, scopes: readonly string[], actor: Actor): Promise<User>;
  /** Disabling also ends every session of the user. */
  setDisabled(userId: string, disabled: boolean, actor: Actor): Promise<User>;
  countUsers(): Promise<number>;
}

function refuseUngrantable(scopes: readonly string[], actor: Actor, verb: string): void {
  if (!actor.grantableScopes) return;
  const missing = missingScopes(actor.grantableScopes, scopes);
  if (missing.length > 0) {
    throw new ForbiddenError(
      `You cannot ${verb} scopes you do not hold: ${missing.join(', ')}.`,
      scopes,
      missing,
    );
  }
}

const cursorOf = (key: string) => Buffer.from(key, 'utf8').toString('base64url');

/** @returns user administration over the users table */
export function createUserAdminService(deps: {
  db: Kysely<DatabaseSchema>;
  hasher: PasswordHasher;
  clock?: () => number;
}): UserAdminService {
  const { db, hasher } = deps;
  const clock = deps.clock ?? Date.now;

  async function existing(userId: string) {
    if (userId.length > 64) throw new NotFoundError('No user has this id.');
    const user = await guarded(() => userRepository(db).findById(userId));
    if (!user) throw new NotFoundError('No user has this id.');
    return user;
  }

  return {
    async listUsers(first = DEFAULT_PAGE_SIZE, after) {
      if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
        throw new InputError(`first must be 1-${MAX_PAGE_SIZE}`, 'first', 'range');
      }
      let afterKey: string | undefined;
      if (after !== undefined) {
        afterKey = Buffer.from(after, 'base64url').toString('utf8');
        if (after.length > 200 || cursorOf(afterKey) !== after) {
          throw new InputError('after is not a cursor this API returned', 'after', 'cursor');
        }
      }
      // One extra row tells whether there is a next page without a second query.
      const rows = await guarded(() => userRepository(db).list(afterKey, first + 1));
      const page = rows.slice(0, first);
      const last = page.at(-1);
      return {
        users: page.map(({ key: _key, ...user }) => user),
        endCursor: last ? cursorOf(last.key) : null,
        hasNextPage: rows.length > first,
      };
    },

    async createUser(input, actor) {
      checkUsername(input.username);
      checkPassword(input.password, input.username);
      const scopes = checkScopes(input.scopes);
      refuseUngrantable(scopes, actor, 'grant');
      const now = clock();
      const passwordHash = await hasher.hash(input.password);
      try {
        return await userRepository(db).insert({
          id: randomUUID(),
          username: input.username,
          username_key: usernameKey(input.username),
          password_hash: passwordHash,
          scopes: scopes.join(' '),
          disabled_at: null,
          created_at: now,
          updated_at: now,
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new InputError('username is already taken', 'username', 'taken');
        throw new ServiceUnavailableError(error);
      }
    },

    async setUserScopes(userId, requested, actor) {
      const scopes = checkScopes(requested);
      const user = await existing(userId);
      // Granting and taking away both need the scope: an admin cannot demote someone more powerful.
      const changed = [
        ...scopes.filter((scope) => !user.scopes.includes(scope)),
        ...user.scopes.filter((scope) => !scopes.includes(scope)),
      ];
      refuseUngrantable(changed, actor, 'change');
      await guarded(() => userRepository(db).update(userId, { scopes: scopes.join(' ') }, clock()));
      return withoutPassword(await existing(userId));
    },

    async setDisabled(userId, disabled, actor) {
      if (disabled && actor.userId === userId) {
        throw new InputError('You cannot disable your own account.', 'userId', 'self');
      }
      await existing(userId);
      const now = clock();
      await guarded(() =>
        db.transaction().execute(async (trx) => {
          await userRepository(trx).update(userId, { disabled_at: disabled ? now : null }, now);
          if (disabled) await sessionRepository(trx).revokeAllForUser(userId, now);
        }),
      );
      return withoutPassword(await existing(userId));
    },

    async countUsers() {
      return guarded(() => userRepository(db).count());
    },
  };
}

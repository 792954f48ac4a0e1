import { type Kysely } from 'kysely';
import { type AuditTrail } from '../audit/audit-trail';
import { checkScopes, missingScopes } from '../scopes/scope-token';
import { guarded, isUniqueViolation } from '../db/errors';
import { type DatabaseSchema } from '../db/schema';
import { ForbiddenError, InputError, NotFoundError, ServiceUnavailableError } from '../errors';
import { type Revocations, type Revoke, revokingTransaction } from '../revocation/revoking-transaction';
import { checkPassword, checkUsername, usernameKey } from './credentials-policy';
import { type PasswordHasher } from './password-hasher';
import { sessionRepository } from './session-repository';
import { unstorable, type UserAccount, userRepository, withoutPassword } from './user-repository';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
const MAX_ID_LENGTH = 64;
/** njwt's `jti` is a UUID; anything much longer is no token id of ours. */
const MAX_TOKEN_ID_LENGTH = 128;

export interface UserAdminDependencies {
  readonly db: Kysely<DatabaseSchema>;
  readonly hasher: PasswordHasher;
  readonly revocations: Revocations;
  readonly audit: AuditTrail;
  readonly clock?: () => number;
}

export interface UserAccountPage {
  readonly users: readonly UserAccount[];
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
}

/**
 * Who asks, as the permission map's live-account check found them (src/permissions/access-facts.ts): the
 * scopes both their token and their account grant now, hierarchy expanded, bound what they may grant.
 * Operators at the CLI pass none (no bound).
 */
export interface Actor {
  readonly userId?: string;
  readonly grantableScopes?: readonly string[];
}

export interface NewUser {
  readonly username: string;
  readonly password: string;
  readonly scopes: readonly string[];
}

function refuseUngrantable(scopes: readonly string[], actor: Actor, verb: string): void {
  if (!actor.grantableScopes) return;
  const missing = missingScopes(actor.grantableScopes, scopes);
  if (missing.length > 0) {
    throw new ForbiddenError(
      `You cannot ${verb} scopes you do not hold: ${missing.join(', ')}.`,
      scopes,
      missing,
      'CANNOT_GRANT',
    );
  }
}

const cursorOf = (key: string) => Buffer.from(key, 'utf8').toString('base64url');

/** User administration: listing, creating, changing scopes, disabling. */
export class UserAdminService {
  private readonly clock: () => number;

  constructor(private readonly deps: UserAdminDependencies) {
    this.clock = deps.clock ?? Date.now;
  }

  async listUsers(first = DEFAULT_PAGE_SIZE, after?: string): Promise<UserAccountPage> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
      throw new InputError(`first must be 1-${MAX_PAGE_SIZE}`, 'first', 'range');
    }
    let afterKey: string | undefined;
    if (after !== undefined) {
      afterKey = Buffer.from(after, 'base64url').toString('utf8');
      if (after.length > 200 || cursorOf(afterKey) !== after || unstorable(afterKey)) {
        throw new InputError('after is not a cursor this API returned', 'after', 'cursor');
      }
    }
    // One extra row tells whether there is a next page without a second query.
    const rows = await guarded(() => userRepository(this.deps.db).list(afterKey, first + 1));
    const page = rows.slice(0, first);
    const last = page.at(-1);
    return {
      users: page.map(({ user }) => user),
      endCursor: last ? cursorOf(last.key) : null,
      hasNextPage: rows.length > first,
    };
  }

  async createUser(input: NewUser, actor: Actor): Promise<UserAccount> {
    checkUsername(input.username);
    checkPassword(input.password, input.username);
    const scopes = checkScopes(input.scopes);
    refuseUngrantable(scopes, actor, 'grant');
    const passwordHash = await this.deps.hasher.hash(input.password);
    try {
      return await this.deps.audit.transaction(this.deps.db, async (trx) => {
        const user = await userRepository(trx).insert(
          { username: input.username, passwordHash, scopes },
          this.clock(),
        );
        await this.deps.audit.record(trx, {
          type: 'user.created',
          ...(actor.userId !== undefined && { actorId: actor.userId }),
          userId: user.id,
          username: user.username,
          details: { scopes: user.scopes },
        });
        return user;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new InputError('username is already taken', 'username', 'taken');
      throw new ServiceUnavailableError(error);
    }
  }

  async setUserScopes(userId: string, requested: readonly string[], actor: Actor): Promise<UserAccount> {
    const scopes = checkScopes(requested);
    await this.existing(userId);
    await guarded(() =>
      revokingTransaction(this.deps.db, this.deps, async (trx, revoke) => {
        // Read under the user's lock: what is removed is decided against the scopes as they are now.
        await userRepository(trx).lock(userId);
        const user = (await userRepository(trx).findById(userId))!;
        // Granting and taking away both need the scope: an admin cannot demote someone more powerful.
        const removed = user.scopes.filter((scope) => !scopes.includes(scope));
        refuseUngrantable(
          [...scopes.filter((scope) => !user.scopes.includes(scope)), ...removed],
          actor,
          'change',
        );
        const now = this.clock();
        await userRepository(trx).update(userId, { scopes }, now);
        // A token still claiming a removed scope dies, with every token the user minted.
        if (removed.length > 0) this.revokeEverything(revoke, userId, now);
        await this.deps.audit.record(trx, {
          type: 'user.scopes_set',
          ...(actor.userId !== undefined && { actorId: actor.userId }),
          userId,
          username: user.username,
          details: { before: user.scopes, after: scopes },
        });
      }),
    );
    return this.existing(userId);
  }

  /**
   * Revokes one minted token by its `jti`, on every instance. Tokens of a session are revoked with it
   * (logout, revokeAllSessions) instead.
   */
  async revokeToken(tokenId: string, actor: Actor): Promise<void> {
    if (tokenId.length === 0 || tokenId.length > MAX_TOKEN_ID_LENGTH || unstorable(tokenId)) {
      throw new InputError(`tokenId must be 1-${MAX_TOKEN_ID_LENGTH} characters`, 'tokenId', 'length');
    }
    await guarded(() =>
      revokingTransaction(this.deps.db, this.deps, async (trx, revoke) => {
        revoke({ kind: 'token', key: tokenId, at: this.clock() });
        await this.deps.audit.record(trx, {
          type: 'token.revoked',
          ...(actor.userId !== undefined && { actorId: actor.userId }),
          details: { tokenId },
        });
      }),
    );
  }

  /** The account with this id as the database has it now, or undefined (the live-account check reads it). */
  async current(userId: string): Promise<UserAccount | undefined> {
    return userId.length > MAX_ID_LENGTH ? undefined : this.find(userId);
  }

  /**
   * Disabling also ends every session of the user. Nobody disables or enables themselves, and an admin
   * cannot act on a user holding a scope the admin lacks.
   */
  async setDisabled(userId: string, disabled: boolean, actor: Actor): Promise<UserAccount> {
    if (actor.userId === userId) {
      const verb = disabled ? 'disable' : 'enable';
      throw new InputError(`You cannot ${verb} your own account.`, 'userId', 'self');
    }
    const target = await this.existing(userId);
    refuseUngrantable(target.scopes, actor, disabled ? 'disable a user holding' : 'enable a user holding');
    await guarded(() =>
      revokingTransaction(this.deps.db, this.deps, async (trx, revoke) => {
        // The user's row lock first, as every change to its sessions takes it; the time is read under it.
        await userRepository(trx).lock(userId);
        const now = this.clock();
        await userRepository(trx).update(userId, { disabledAt: disabled ? new Date(now) : null }, now);
        if (disabled) {
          await sessionRepository(trx).revokeAllForUser(userId, now);
          this.revokeEverything(revoke, userId, now);
        }
        await this.deps.audit.record(trx, {
          type: disabled ? 'user.disabled' : 'user.enabled',
          ...(actor.userId !== undefined && { actorId: actor.userId }),
          userId,
          username: target.username,
        });
      }),
    );
    return this.existing(userId);
  }

  /** Every token issued to the user so far, and every token it minted (RFC 8693 `act`). */
  private revokeEverything(revoke: Revoke, userId: string, now: number): void {
    revoke({ kind: 'user', key: userId, at: now }, userId);
    revoke({ kind: 'minter', key: userId, at: now }, userId);
  }

  /** The account with this username, whatever its case. */
  async findByUsername(username: string): Promise<UserAccount | undefined> {
    if (username.length > 128 || unstorable(username)) return undefined;
    const user = await guarded(() => userRepository(this.deps.db).findByKey(usernameKey(username)));
    return user && withoutPassword(user);
  }

  async countUsers(): Promise<number> {
    return guarded(() => userRepository(this.deps.db).count());
  }

  private async existing(userId: string): Promise<UserAccount> {
    const user = await this.current(userId);
    if (!user) throw new NotFoundError('No user has this id.');
    return user;
  }

  private async find(userId: string): Promise<UserAccount | undefined> {
    const user = await guarded(() => userRepository(this.deps.db).findById(userId));
    return user && withoutPassword(user);
  }
}

/** @returns user administration over the users table */
export function createUserAdminService(deps: UserAdminDependencies): UserAdminService {
  return new UserAdminService(deps);
}

import { randomBytes } from 'node:crypto';
import { type UserAdminService } from './user-admin-service';

export const DEMO_ADMIN_USERNAME = 'admin';

/**
 * On a development database with no users, creates `admin` (scope admin) with a random password, so the
 * quickstart can log in right after `npm start`.
 * @returns the one-time password, or undefined when there already were users
 */
export async function ensureDemoAdmin(users: UserAdminService): Promise<string | undefined> {
  if ((await users.countUsers()) > 0) return undefined;
  const password = randomBytes(12).toString('base64url');
  await users.createUser({ username: DEMO_ADMIN_USERNAME, password, scopes: ['admin'] }, {});
  return password;
}

import { randomBytes } from 'node:crypto';
import { guarded } from '../db/errors';
import { AppError } from '../errors';
import { type ClientInfo } from '../request-context';
import { type LoginThrottle } from './login-throttle';
import { type PasswordHasher } from './password-hasher';
import { type UserAccountWithPassword } from './user-repository';

/**
 * A password check against the login throttle: refused while throttled, one scrypt verification per
 * attempt whether or not the user exists (an unknown user is checked against a dummy hash, so it costs
 * as much as a wrong password), and the outcome counted.
 */
export class CredentialCheck {
  private constructor(
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly dummyHash: string,
  ) {}

  /** @returns the check; resolves once the dummy hash exists */
  static async create(hasher: PasswordHasher, throttle: LoginThrottle): Promise<CredentialCheck> {
    return new CredentialCheck(hasher, throttle, await hasher.hash(randomBytes(16).toString('hex')));
  }

  /**
   * @param key the username key the throttle counts by
   * @param findUser looked up only once the throttle allows an attempt
   * @returns the user whose password `password` is
   * @throws AppError TOO_MANY_REQUESTS while throttled; INVALID_CREDENTIALS for a wrong password, an
   * unknown or a disabled user alike
   */
  async verify(
    key: string,
    password: string,
    client: ClientInfo,
    findUser: () => Promise<UserAccountWithPassword | undefined>,
  ): Promise<UserAccountWithPassword> {
    await guarded(() => this.throttle.check(key, client.ip));
    const user = await guarded(findUser);
    const valid = await this.hasher.verify(password, user?.passwordHash ?? this.dummyHash);
    if (!user || !valid || user.disabledAt !== null) {
      await guarded(() => this.throttle.recordFailure(key, client.ip));
      throw new AppError('INVALID_CREDENTIALS');
    }
    await guarded(() => this.throttle.recordSuccess(key));
    return user;
  }
}

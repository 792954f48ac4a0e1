import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Logger } from 'pino';
import { guarded } from '../db/errors';
import { AppError } from '../errors';
import { type ClientInfo } from '../request-context';
import { type LoginThrottle } from './login-throttle';
import { type PasswordHasher } from './password-hasher';
import { type UserAccountWithPassword } from './user-repository';

/**
 * A password check under the login throttle: the attempt is counted before the password is checked (and
 * slowed down while its username is under attack), one scrypt verification runs per attempt whether or
 * not the user exists (an unknown user is checked against a dummy hash, so it costs as much as a wrong
 * password), and a success gives the attempt back.
 */
export class CredentialCheck {
  private constructor(
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly log: Logger,
    private readonly dummyHash: string,
  ) {}

  /** @returns the check; resolves once the dummy hash exists */
  static async create(
    hasher: PasswordHasher,
    throttle: LoginThrottle,
    log: Logger,
  ): Promise<CredentialCheck> {
    return new CredentialCheck(hasher, throttle, log, await hasher.hash(randomBytes(16).toString('hex')));
  }

  /**
   * @param key the username key the throttle counts by
   * @param findUser looked up only once the throttle allows the attempt
   * @returns the user whose password `password` is
   * @throws RateLimitError while throttled; AppError INVALID_CREDENTIALS for a wrong password, an unknown
   * or a disabled user alike
   */
  async verify(
    key: string,
    password: string,
    client: ClientInfo,
    findUser: () => Promise<UserAccountWithPassword | undefined>,
  ): Promise<UserAccountWithPassword> {
    const delayMs = await guarded(() => this.throttle.begin(key, client.ip));
    if (delayMs > 0) {
      this.log.info(
        { security: { event: 'login_slowed', delayMs } },
        'login slowed: many failures for this username',
      );
      await sleep(delayMs);
    }
    const user = await guarded(findUser);
    const valid = await this.hasher.verify(password, user?.passwordHash ?? this.dummyHash);
    if (!user || !valid || user.disabledAt !== null) throw new AppError('INVALID_CREDENTIALS');
    await guarded(() => this.throttle.succeeded(key, client.ip));
    return user;
  }
}

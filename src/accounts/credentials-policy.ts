import { InputError } from '../errors';

/*
 * What a username and a password must look like. Each refusal names its rule (extensions.rule), so a
 * client can show the right message without parsing text.
 */

export const USERNAME_MIN = 3;
export const USERNAME_MAX = 32;
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;
/** Bounds the work one login can cause before the password is even hashed. */
export const PASSWORD_MAX_BYTES = 1024;
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The case-insensitive key usernames are unique by. */
export function usernameKey(username: string): string {
  return username.toLowerCase();
}

/** @throws InputError (field "username") naming the rule broken */
export function checkUsername(username: string): void {
  if (username.length < USERNAME_MIN || username.length > USERNAME_MAX) {
    throw new InputError(`username must be ${USERNAME_MIN}-${USERNAME_MAX} characters`, 'username', 'length');
  }
  if (!USERNAME.test(username)) {
    throw new InputError(
      'username may contain letters, digits, ".", "_" and "-", and must start with a letter or digit',
      'username',
      'characters',
    );
  }
}

/** How a password or name is compared: NFKC, as the hasher stores it, and case-folded. */
const comparable = (text: string) => text.normalize('NFKC').toLowerCase();

/**
 * Applies the policy to the password as it is hashed (NFKC): a full-width copy of the username is the
 * username, and five different characters must still be five after normalisation.
 * @throws InputError (field `field`) naming the rule broken
 */
export function checkPassword(raw: string, username: string, field = 'password'): void {
  if (Buffer.byteLength(raw, 'utf8') > PASSWORD_MAX_BYTES) {
    throw new InputError(`${field} must be at most ${PASSWORD_MAX} characters`, field, 'max_length');
  }
  const password = raw.normalize('NFKC');
  const length = [...password].length;
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES || length > PASSWORD_MAX) {
    throw new InputError(`${field} must be at most ${PASSWORD_MAX} characters`, field, 'max_length');
  }
  if (length < PASSWORD_MIN) {
    throw new InputError(`${field} must be at least ${PASSWORD_MIN} characters`, field, 'min_length');
  }
  if (new Set(password).size < 5) {
    throw new InputError(`${field} must use at least 5 different characters`, field, 'variety');
  }
  if (comparable(password).includes(comparable(username))) {
    throw new InputError(`${field} must not contain the username`, field, 'contains_username');
  }
}

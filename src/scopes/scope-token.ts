import { InputError } from '../errors';

/** How many scopes one token may carry; more would make tokens large for no good reason. */
export const MAX_SCOPES = 64;
const MAX_SCOPE_LENGTH = 128;
/** RFC 6749 §3.3 scope-token: 1*( %x21 / %x23-5B / %x5D-7E ), i.e. printable ASCII but space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function isScopeToken(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_SCOPE_LENGTH && SCOPE_TOKEN.test(value);
}

/**
 * Validates a list of scopes a caller asked to grant.
 * @returns the scopes without duplicates, in the order given
 * @throws InputError (field `field`, rule "scope_syntax") for a non-array, too many, or a malformed scope
 */
export function checkScopes(scopes: unknown, field = 'scopes'): string[] {
  if (!Array.isArray(scopes) || scopes.length > MAX_SCOPES || !scopes.every(isScopeToken)) {
    throw new InputError(
      `${field} must be at most ${MAX_SCOPES} scope tokens (RFC 6749 §3.3: no spaces, quotes or backslashes)`,
      field,
      'scope_syntax',
    );
  }
  return [...new Set(scopes)];
}

/** Scopes in `required` that `held` lacks, in the order they were required. */
export function missingScopes(held: readonly string[], required: readonly string[]): string[] {
  return required.filter((scope) => !held.includes(scope));
}

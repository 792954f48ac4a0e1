/** How many scopes one token may carry; more would make tokens large for no good reason. */
export const MAX_SCOPES = 64;
const MAX_SCOPE_LENGTH = 128;
/** RFC 6749 §3.3 scope-token: 1*( %x21 / %x23-5B / %x5D-7E ), i.e. printable ASCII but space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function isScopeToken(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_SCOPE_LENGTH && SCOPE_TOKEN.test(value);
}

/** Scopes in `required` that `held` lacks, in the order they were required. */
export function missingScopes(held: readonly string[], required: readonly string[]): string[] {
  return required.filter((scope) => !held.includes(scope));
}

import { AuthError } from '../errors';

/** RFC 7230 token: the auth-scheme. */
const CREDENTIALS = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?: +(.*))?$/s;
/** RFC 6750 §2.1 b64token. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** Far above any token we accept; stops the regular expressions from reading megabytes. */
const MAX_HEADER_LENGTH = 8192;

/**
 * Reads the bearer token from an Authorization header value.
 * @returns the token, or undefined when there is no header (an anonymous request)
 * @throws AuthError AUTH_SCHEME_UNSUPPORTED for another scheme, CREDENTIALS_MALFORMED for anything else
 */
export function readBearerToken(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || header.length > MAX_HEADER_LENGTH) {
    throw new AuthError('CREDENTIALS_MALFORMED');
  }
  const match = CREDENTIALS.exec(header.trim());
  if (!match) throw new AuthError('CREDENTIALS_MALFORMED');
  // The scheme name is case-insensitive (RFC 7235 §2.1).
  if (match[1]!.toLowerCase() !== 'bearer') throw new AuthError('AUTH_SCHEME_UNSUPPORTED');
  const credential = match[2]?.trim();
  if (!credential || !B64TOKEN.test(credential)) throw new AuthError('CREDENTIALS_MALFORMED');
  return credential;
}

import { type Identity } from '../auth/identity';
import { missingScopes } from '../auth/scopes';
import { AppError, AuthError, ForbiddenError } from '../errors';
import { type Access } from './permission-map';

// Shared, immutable refusals: graphql-js wraps them per field, the formatter gives them their code.
const authenticationRequired = new AuthError('AUTHENTICATION_REQUIRED');
/** A field nobody was given access to on purpose. */
export const NOT_EXPOSED = new AppError('FORBIDDEN');

/**
 * What the permission map says to `identity` asking for a field of `access` (undefined: a root field the
 * map does not name, refused). One decision for the shield rules (HTTP) and the subscription gate.
 * @returns the refusal, or undefined when the field may be used
 */
export function accessRefusal(access: Access | undefined, identity: Identity): AppError | undefined {
  if (!access) return NOT_EXPOSED;
  if (access.kind === 'public') return undefined;
  if (!identity.authenticated) return authenticationRequired;
  const missing = missingScopes(identity.scopes, access.scopes);
  if (missing.length === 0) return undefined;
  return new ForbiddenError(`Missing required scope: ${missing.join(', ')}.`, access.scopes, missing);
}

import { AUTH_FAILURE_MESSAGES, type AuthFailureReason } from '../errors';

/**
 * The RFC 6750 §3 challenge for a refused request. A request that sent no Bearer credential at all gets the
 * plain challenge (no error code), as §3.1 asks.
 */
export function bearerChallenge(realm: string, reason: AuthFailureReason): string {
  realm = quotable(realm);
  if (reason === 'AUTHENTICATION_REQUIRED' || reason === 'AUTH_SCHEME_UNSUPPORTED')
    return `Bearer realm="${realm}"`;
  return `Bearer realm="${realm}", error="invalid_token", error_description="${AUTH_FAILURE_MESSAGES[reason]}"`;
}

/** The RFC 6750 challenge for a valid token that lacks scopes. */
export function insufficientScopeChallenge(realm: string, requiredScopes: readonly string[]): string {
  return `Bearer realm="${quotable(realm)}", error="insufficient_scope", scope="${requiredScopes.join(' ')}"`;
}

/** Realm comes from configuration; keep it inside its quoted-string whatever it holds. */
function quotable(text: string): string {
  return text.replace(/["\\\r\n]/g, '');
}

import { GraphQLError } from 'graphql';

/**
 * Codes a client sees in `extensions.code`. They are part of the API contract: clients switch on them,
 * so a code is never renamed, only added. `test/unit/errors.test.ts` pins the list.
 */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'INTERNAL_SERVER_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Why a request is UNAUTHENTICATED (`extensions.reason`). A client refreshes on TOKEN_EXPIRED and
 * re-authenticates on anything else.
 */
export const AUTH_FAILURE_REASONS = [
  'AUTHENTICATION_REQUIRED',
  'AUTH_SCHEME_UNSUPPORTED',
  'CREDENTIALS_MALFORMED',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'TOKEN_NOT_YET_VALID',
] as const;
export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

/** Fixed, client-safe descriptions: never built from the token, a claim or a library message. */
export const AUTH_FAILURE_MESSAGES: Readonly<Record<AuthFailureReason, string>> = {
  AUTHENTICATION_REQUIRED: 'Authentication is required: send an Authorization: Bearer <token> header.',
  AUTH_SCHEME_UNSUPPORTED: 'Only the Bearer authentication scheme is supported.',
  CREDENTIALS_MALFORMED: 'The Authorization header is not a valid Bearer credential.',
  TOKEN_INVALID: 'The access token is invalid.',
  TOKEN_EXPIRED: 'The access token has expired.',
  TOKEN_NOT_YET_VALID: 'The access token is not valid yet.',
};

/**
 * The precise check a token failed. Operators read it in the logs; clients only ever see the coarser
 * {@link AuthFailureReason}, so probing the verifier teaches an attacker nothing.
 */
export type TokenFailureDetail =
  | 'too_long'
  | 'malformed'
  | 'header_invalid'
  | 'alg_not_allowed'
  | 'typ_not_allowed'
  | 'kid_missing'
  | 'kid_unknown'
  | 'signature_encoding'
  | 'signature_mismatch'
  | 'payload_invalid'
  | 'exp_missing'
  | 'expired'
  | 'not_before'
  | 'issued_in_future'
  | 'issuer_mismatch'
  | 'audience_mismatch'
  | 'subject_invalid'
  | 'username_invalid'
  | 'scope_invalid'
  | 'claim_invalid';

/** Base class for errors this application raises on purpose; `code` is stable, `message` is client-safe. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A credential was refused. Raised by the token module and the bearer-header parser. */
export class AuthError extends AppError {
  constructor(
    readonly reason: AuthFailureReason,
    readonly detail?: TokenFailureDetail,
  ) {
    super('UNAUTHENTICATED', AUTH_FAILURE_MESSAGES[reason]);
  }
}

/** Input that breaks a documented rule; `field` names the offending input field. */
export class InputError extends AppError {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super('BAD_USER_INPUT', message);
  }
}

/** The caller is known but lacks scopes. */
export class ForbiddenError extends AppError {
  constructor(
    message: string,
    readonly requiredScopes: readonly string[],
    readonly missingScopes: readonly string[],
  ) {
    super('FORBIDDEN', message);
  }
}

/** Turns one of our errors into the GraphQL error a client receives. */
export function toGraphQLError(error: AppError): GraphQLError {
  const extensions: Record<string, unknown> = { code: error.code };
  if (error instanceof AuthError) extensions.reason = error.reason;
  if (error instanceof InputError && error.field) extensions.field = error.field;
  if (error instanceof ForbiddenError) {
    extensions.requiredScopes = error.requiredScopes;
    extensions.missingScopes = error.missingScopes;
  }
  return new GraphQLError(error.message, { extensions });
}

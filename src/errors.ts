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
  'NOT_FOUND',
  'INVALID_CREDENTIALS',
  'REFRESH_TOKEN_INVALID',
  'REFRESH_TOKEN_REUSED',
  'TOO_MANY_REQUESTS',
  'SERVICE_UNAVAILABLE',
  'QUERY_LIMIT_EXCEEDED',
  'BATCH_LIMIT_EXCEEDED',
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
  | 'issuer_untrusted'
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

/** Input that breaks a documented rule; `field` names the offending input field, `rule` the rule. */
export class InputError extends AppError {
  constructor(
    message: string,
    readonly field?: string,
    readonly rule?: string,
  ) {
    super('BAD_USER_INPUT', message);
  }
}

/** The thing a caller named does not exist (or is not theirs to see). */
export class NotFoundError extends AppError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

/** Which abuse limit a query broke (`extensions.limit`). */
export type QueryLimit = 'depth' | 'aliases' | 'directives' | 'cost' | 'tokens';

/** A query refused before execution for being too deep, too wide or too expensive. */
export class QueryLimitError extends AppError {
  constructor(
    readonly limit: QueryLimit,
    message: string,
  ) {
    super('QUERY_LIMIT_EXCEEDED', message);
  }
}

/** Too many attempts; the client may retry after `retryAfterSeconds`. */
export class RateLimitError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('TOO_MANY_REQUESTS', `Too many attempts. Try again in ${retryAfterSeconds} seconds.`);
  }
}

/**
 * A dependency (the database) failed or was too slow. The cause is kept for the log line and never shown
 * to the client.
 */
export class ServiceUnavailableError extends AppError {
  constructor(cause: unknown) {
    super('SERVICE_UNAVAILABLE', 'The service is temporarily unavailable. Try again shortly.', { cause });
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
  if (error instanceof InputError) {
    if (error.field) extensions.field = error.field;
    if (error.rule) extensions.rule = error.rule;
  }
  if (error instanceof RateLimitError) extensions.retryAfterSeconds = error.retryAfterSeconds;
  if (error instanceof QueryLimitError) extensions.limit = error.limit;
  if (error instanceof ForbiddenError) {
    extensions.requiredScopes = error.requiredScopes;
    extensions.missingScopes = error.missingScopes;
  }
  return new GraphQLError(error.message, { extensions });
}

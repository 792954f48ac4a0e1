/*
 * The error model: one table of stable codes, the classes that carry them, and nothing of any transport.
 * The GraphQL layer turns these into GraphQL errors (src/server/graphql-error.ts); the response's HTTP
 * status, the log level of the request's line and whether the request id is shown all come from the table.
 */

/** What a code means to the transport and to the operator. */
export interface ErrorSpec {
  /** The message a client sees when the raiser does not give a more precise one. */
  readonly message: string;
  /**
   * The HTTP status of a response that errors of this code alone leave without data; undefined for a field
   * error, where the response stays 200 and keeps whatever data it has (GraphQL over HTTP).
   */
  readonly status: number | undefined;
  /** The level of the request's log line when the response carries this code (the highest one wins). */
  readonly level: 'info' | 'warn' | 'error';
  /** The client can fix the request; otherwise the server or a dependency is at fault, and the response
   * carries the request id so a report can be matched to the log. */
  readonly clientMistake: boolean;
}

/**
 * Codes a client sees in `extensions.code`. They are part of the API contract: clients switch on them, so a
 * code is never renamed, only added. `test/unit/errors.test.ts` pins the list and checks the README's table.
 */
export const ERROR_TABLE = {
  UNAUTHENTICATED: {
    message: 'Authentication is required: send an Authorization: Bearer <token> header.',
    status: 401,
    level: 'info',
    clientMistake: true,
  },
  FORBIDDEN: { message: 'This field is not available.', status: 403, level: 'info', clientMistake: true },
  BAD_USER_INPUT: { message: 'The input is invalid.', status: undefined, level: 'info', clientMistake: true },
  INTERNAL_SERVER_ERROR: {
    message: 'Internal server error',
    status: undefined,
    level: 'error',
    clientMistake: false,
  },
  NOT_FOUND: { message: 'Not found.', status: undefined, level: 'info', clientMistake: true },
  INVALID_CREDENTIALS: {
    message: 'The username or password is incorrect.',
    status: undefined,
    level: 'info',
    clientMistake: true,
  },
  REFRESH_TOKEN_INVALID: {
    message: 'The refresh token is invalid, expired or already used. Log in again.',
    status: undefined,
    level: 'info',
    clientMistake: true,
  },
  REFRESH_TOKEN_REUSED: {
    message: 'This refresh token was already used. The session has been ended for safety; log in again.',
    status: undefined,
    level: 'warn',
    clientMistake: true,
  },
  TOO_MANY_REQUESTS: { message: 'Too many attempts.', status: 429, level: 'warn', clientMistake: true },
  SERVICE_UNAVAILABLE: {
    message: 'The service is temporarily unavailable. Try again shortly.',
    status: 503,
    level: 'warn',
    clientMistake: false,
  },
  QUERY_LIMIT_EXCEEDED: {
    message: 'The query is too large.',
    status: 400,
    level: 'warn',
    clientMistake: true,
  },
  BATCH_LIMIT_EXCEEDED: {
    message: 'The batch holds too many operations.',
    status: 400,
    level: 'warn',
    clientMistake: true,
  },
  LOCAL_ACCOUNT_REQUIRED: {
    message: "Only this API's own accounts can do this; a token from another issuer cannot.",
    status: 403,
    level: 'info',
    clientMistake: true,
  },
  BAD_REQUEST: {
    message: 'The request is malformed.',
    status: 400,
    level: 'info',
    clientMistake: true,
  },
  PERSISTED_QUERY_NOT_ALLOWED: {
    message: 'Only trusted documents run here: send the id of a document from a loaded manifest.',
    status: 400,
    level: 'info',
    clientMistake: true,
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_TABLE;
export const ERROR_CODES = Object.keys(ERROR_TABLE) as readonly ErrorCode[];

/** The table's entry for a code a response carries, or undefined for a code that is not ours (Apollo's). */
export function errorSpec(code: unknown): ErrorSpec | undefined {
  return typeof code === 'string' && Object.hasOwn(ERROR_TABLE, code)
    ? ERROR_TABLE[code as ErrorCode]
    : undefined;
}

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
  'TOKEN_REVOKED',
] as const;
export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

/** Fixed, client-safe descriptions: never built from the token, a claim or a library message. */
export const AUTH_FAILURE_MESSAGES: Readonly<Record<AuthFailureReason, string>> = {
  AUTHENTICATION_REQUIRED: ERROR_TABLE.UNAUTHENTICATED.message,
  AUTH_SCHEME_UNSUPPORTED: 'Only the Bearer authentication scheme is supported.',
  CREDENTIALS_MALFORMED: 'The Authorization header is not a valid Bearer credential.',
  TOKEN_INVALID: 'The access token is invalid.',
  TOKEN_EXPIRED: 'The access token has expired.',
  TOKEN_NOT_YET_VALID: 'The access token is not valid yet.',
  TOKEN_REVOKED: 'The access token has been revoked: sign in again.',
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
  | 'lifetime_too_long'
  | 'not_before'
  | 'issued_in_future'
  | 'issuer_untrusted'
  | 'audience_mismatch'
  | 'subject_invalid'
  | 'username_invalid'
  | 'scope_invalid'
  | 'claim_invalid'
  | 'revoked';

/**
 * Base class for errors this application raises on purpose; `code` is stable, `message` is client-safe
 * (the table's default unless the raiser is more precise).
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_TABLE[code].message,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }

  /**
   * What a client may read about the error: its code and client-safe details, never a cause or an internal
   * check. Named as GraphQL names it, so graphql-js keeps it when it wraps the error.
   */
  get extensions(): Record<string, unknown> {
    return { code: this.code };
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

  override get extensions() {
    return { ...super.extensions, reason: this.reason };
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

  override get extensions() {
    return {
      ...super.extensions,
      ...(this.field && { field: this.field }),
      ...(this.rule && { rule: this.rule }),
    };
  }
}

/** The thing a caller named does not exist (or is not theirs to see). */
export class NotFoundError extends AppError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

/** Which abuse limit a query broke (`extensions.limit`). */
export type QueryLimit =
  'depth' | 'aliases' | 'directives' | 'cost' | 'tokens' | 'password_checks' | 'subscriptions';

/** A query refused before execution for being too deep, too wide or too expensive. */
export class QueryLimitError extends AppError {
  constructor(
    readonly limit: QueryLimit,
    message: string,
  ) {
    super('QUERY_LIMIT_EXCEEDED', message);
  }

  override get extensions() {
    return { ...super.extensions, limit: this.limit };
  }
}

/** Too many attempts; the client may retry after `retryAfterSeconds`. */
export class RateLimitError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('TOO_MANY_REQUESTS', `Too many attempts. Try again in ${retryAfterSeconds} seconds.`);
  }

  override get extensions() {
    return { ...super.extensions, retryAfterSeconds: this.retryAfterSeconds };
  }
}

/**
 * A dependency (the database) failed or was too slow. The cause is kept for the log line and never shown
 * to the client.
 */
export class ServiceUnavailableError extends AppError {
  constructor(cause: unknown) {
    super('SERVICE_UNAVAILABLE', undefined, { cause });
  }
}

/**
 * Why a caller is FORBIDDEN (`extensions.reason`): the permission map's answers (NOT_EXPOSED to
 * ACCOUNT_SCOPE_MISSING), and CANNOT_GRANT when a caller let in asks to grant or take away a scope it does
 * not hold itself.
 */
export const FORBIDDEN_REASONS = [
  'NOT_EXPOSED',
  'SCOPE_MISSING',
  'NOT_OWNER',
  'ACCOUNT_INACTIVE',
  'ACCOUNT_SCOPE_MISSING',
  'CANNOT_GRANT',
] as const;
export type ForbiddenReason = (typeof FORBIDDEN_REASONS)[number];

/**
 * The caller is known but may not do this: `reason` says why; `requiredScopes` are the scopes of the
 * requirement closest to being met and `missingScopes` those of them the caller lacks.
 */
export class ForbiddenError extends AppError {
  constructor(
    message: string,
    readonly requiredScopes: readonly string[],
    readonly missingScopes: readonly string[],
    readonly reason: ForbiddenReason = 'SCOPE_MISSING',
  ) {
    super('FORBIDDEN', message);
  }

  override get extensions() {
    return {
      ...super.extensions,
      reason: this.reason,
      requiredScopes: this.requiredScopes,
      missingScopes: this.missingScopes,
    };
  }
}

/**
 * An error's message followed by its cause's, for operators (the CLIs, startup): never sent to a client,
 * since a cause may be a driver's message.
 */
export function describeError(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error instanceof Error ? error.message : String(error)}${cause}`;
}

import {
  AUTH_FAILURE_MESSAGES,
  AUTH_FAILURE_REASONS,
  AuthError,
  ERROR_CODES,
  ForbiddenError,
  InputError,
  RateLimitError,
  ServiceUnavailableError,
} from '../../src/errors';
import { toGraphQLError } from '../../src/server/graphql-error';

// Clients switch on these strings: changing one is a breaking change, so it must be deliberate.
describe('stable error codes', () => {
  it('keeps the published codes', () => {
    expect(ERROR_CODES).toEqual([
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
      'LOCAL_ACCOUNT_REQUIRED',
      'BAD_REQUEST',
      'PERSISTED_QUERY_NOT_ALLOWED',
    ]);
  });

  it('keeps the published authentication reasons, each with a message', () => {
    expect(AUTH_FAILURE_REASONS).toEqual([
      'AUTHENTICATION_REQUIRED',
      'AUTH_SCHEME_UNSUPPORTED',
      'CREDENTIALS_MALFORMED',
      'TOKEN_INVALID',
      'TOKEN_EXPIRED',
      'TOKEN_NOT_YET_VALID',
      'TOKEN_REVOKED',
    ]);
    for (const reason of AUTH_FAILURE_REASONS) expect(AUTH_FAILURE_MESSAGES[reason]).toMatch(/\.$/);
  });

  it('turns each error class into its GraphQL form', () => {
    expect(toGraphQLError(new AuthError('TOKEN_EXPIRED', 'expired')).extensions).toEqual({
      code: 'UNAUTHENTICATED',
      reason: 'TOKEN_EXPIRED',
    });
    expect(toGraphQLError(new InputError('bad', 'subject')).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'subject',
    });
    expect(toGraphQLError(new InputError('short', 'password', 'min_length')).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'password',
      rule: 'min_length',
    });
    expect(toGraphQLError(new RateLimitError(30)).extensions).toEqual({
      code: 'TOO_MANY_REQUESTS',
      retryAfterSeconds: 30,
    });
    const unavailable = toGraphQLError(
      new ServiceUnavailableError(new Error('connect ECONNREFUSED 10.0.0.1:5432')),
    );
    expect(unavailable.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' });
    expect(unavailable.message).not.toContain('ECONNREFUSED');
    expect(toGraphQLError(new ForbiddenError('no', ['admin', 'read'], ['admin'])).extensions).toEqual({
      code: 'FORBIDDEN',
      reason: 'SCOPE_MISSING',
      requiredScopes: ['admin', 'read'],
      missingScopes: ['admin'],
    });
    expect(toGraphQLError(new ForbiddenError('no', [], [], 'NOT_OWNER')).extensions).toMatchObject({
      reason: 'NOT_OWNER',
    });
  });

  it('never exposes the internal check a token failed', () => {
    expect(JSON.stringify(toGraphQLError(new AuthError('TOKEN_INVALID', 'kid_unknown')))).not.toContain(
      'kid_unknown',
    );
  });
});

import {
  AUTH_FAILURE_MESSAGES,
  AUTH_FAILURE_REASONS,
  AuthError,
  ERROR_CODES,
  ForbiddenError,
  InputError,
  toGraphQLError,
} from '../../src/errors';

// Clients switch on these strings: changing one is a breaking change, so it must be deliberate.
describe('stable error codes', () => {
  it('keeps the published codes', () => {
    expect(ERROR_CODES).toEqual(['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'INTERNAL_SERVER_ERROR']);
  });

  it('keeps the published authentication reasons, each with a message', () => {
    expect(AUTH_FAILURE_REASONS).toEqual([
      'AUTHENTICATION_REQUIRED',
      'AUTH_SCHEME_UNSUPPORTED',
      'CREDENTIALS_MALFORMED',
      'TOKEN_INVALID',
      'TOKEN_EXPIRED',
      'TOKEN_NOT_YET_VALID',
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
    expect(toGraphQLError(new ForbiddenError('no', ['admin', 'read'], ['admin'])).extensions).toEqual({
      code: 'FORBIDDEN',
      requiredScopes: ['admin', 'read'],
      missingScopes: ['admin'],
    });
  });

  it('never exposes the internal check a token failed', () => {
    expect(JSON.stringify(toGraphQLError(new AuthError('TOKEN_INVALID', 'kid_unknown')))).not.toContain(
      'kid_unknown',
    );
  });
});

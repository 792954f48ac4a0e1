/*
 * @graphql-jwt-api/client: the API's operations as typed documents (generated from the committed SDL),
 * and the session that keeps a client's tokens. The Apollo Client link is in `@graphql-jwt-api/client/apollo`,
 * so that apps without Apollo Client need not install it.
 */
export * from './generated/graphql.js';
export { graphql } from './generated/gql.js';
export {
  AuthSession,
  type AuthSessionOptions,
  type ClientAwareness,
  errorReason,
  memoryTokenStorage,
  RefreshFailedError,
  type SignOutReason,
  type Tokens,
  type TokenStorage,
} from './auth-session.js';
export { createAuthFetch } from './auth-fetch.js';
export { isPublicOperation } from './public-operations.js';

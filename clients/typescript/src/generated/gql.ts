/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query AuditEvents($first: Int, $after: String, $filter: AuditEventFilter) {\n  auditEvents(first: $first, after: $after, filter: $filter) {\n    nodes {\n      id\n      at\n      type\n      actorId\n      userId\n      username\n      ip\n      userAgent\n      details\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n}": typeof types.AuditEventsDocument,
    "mutation IssueToken($input: IssueTokenInput!) {\n  issueToken(input: $input) {\n    accessToken\n    tokenType\n    expiresAt\n    scopes\n    tokenId\n  }\n}\n\nmutation RevokeToken($tokenId: ID!) {\n  revokeToken(tokenId: $tokenId)\n}": typeof types.IssueTokenDocument,
    "query Me {\n  me {\n    id\n    username\n    scopes\n    greeting\n    tokenExpiresAt\n  }\n}": typeof types.MeDocument,
    "query Permissions {\n  permissions {\n    operation\n    type\n    requiresAuthentication\n    anyOfScopes\n    owner {\n      description\n      argument\n      resource\n    }\n    account\n  }\n}": typeof types.PermissionsDocument,
    "fragment Session on AuthPayload {\n  accessToken\n  tokenType\n  expiresAt\n  refreshToken\n  refreshTokenExpiresAt\n  viewer {\n    id\n    username\n    scopes\n    greeting\n  }\n}\n\nmutation Login($username: String!, $password: String!) {\n  login(username: $username, password: $password) {\n    ...Session\n  }\n}\n\nmutation RefreshToken($refreshToken: String!) {\n  refreshToken(refreshToken: $refreshToken) {\n    ...Session\n  }\n}\n\nmutation Logout($refreshToken: String!) {\n  logout(refreshToken: $refreshToken)\n}\n\nmutation RevokeAllSessions {\n  revokeAllSessions\n}\n\nmutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n  changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {\n    ...Session\n  }\n}\n\nquery MySessions {\n  me {\n    id\n    sessions {\n      id\n      current\n      createdAt\n      lastUsedAt\n      expiresAt\n      ipAddress\n      userAgent\n      deviceLabel\n    }\n  }\n}\n\nmutation RevokeSession($id: ID!) {\n  revokeSession(id: $id)\n}\n\nmutation RevokeOtherSessions {\n  revokeOtherSessions\n}": typeof types.SessionFragmentDoc,
    "subscription ViewerEvents {\n  viewerEvents {\n    type\n    at\n    sessionId\n  }\n}\n\nsubscription LiveAuditEvents($filter: AuditEventFilter) {\n  auditEvents(filter: $filter) {\n    id\n    at\n    type\n    actorId\n    userId\n    username\n    details\n  }\n}": typeof types.ViewerEventsDocument,
    "fragment UserFields on User {\n  id\n  username\n  scopes\n  disabled\n  createdAt\n  updatedAt\n}\n\nquery Users($first: Int, $after: String) {\n  users(first: $first, after: $after) {\n    nodes {\n      ...UserFields\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n}\n\nmutation CreateUser($input: CreateUserInput!) {\n  createUser(input: $input) {\n    ...UserFields\n  }\n}\n\nmutation SetUserScopes($userId: ID!, $scopes: [String!]!) {\n  setUserScopes(userId: $userId, scopes: $scopes) {\n    ...UserFields\n  }\n}\n\nmutation DisableUser($userId: ID!) {\n  disableUser(userId: $userId) {\n    ...UserFields\n  }\n}\n\nmutation EnableUser($userId: ID!) {\n  enableUser(userId: $userId) {\n    ...UserFields\n  }\n}\n\nquery UserSessions($id: ID!) {\n  user(id: $id) {\n    id\n    username\n    sessions {\n      id\n      current\n      lastUsedAt\n      deviceLabel\n      ipAddress\n    }\n  }\n}": typeof types.UserFieldsFragmentDoc,
};
const documents: Documents = {
    "query AuditEvents($first: Int, $after: String, $filter: AuditEventFilter) {\n  auditEvents(first: $first, after: $after, filter: $filter) {\n    nodes {\n      id\n      at\n      type\n      actorId\n      userId\n      username\n      ip\n      userAgent\n      details\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n}": types.AuditEventsDocument,
    "mutation IssueToken($input: IssueTokenInput!) {\n  issueToken(input: $input) {\n    accessToken\n    tokenType\n    expiresAt\n    scopes\n    tokenId\n  }\n}\n\nmutation RevokeToken($tokenId: ID!) {\n  revokeToken(tokenId: $tokenId)\n}": types.IssueTokenDocument,
    "query Me {\n  me {\n    id\n    username\n    scopes\n    greeting\n    tokenExpiresAt\n  }\n}": types.MeDocument,
    "query Permissions {\n  permissions {\n    operation\n    type\n    requiresAuthentication\n    anyOfScopes\n    owner {\n      description\n      argument\n      resource\n    }\n    account\n  }\n}": types.PermissionsDocument,
    "fragment Session on AuthPayload {\n  accessToken\n  tokenType\n  expiresAt\n  refreshToken\n  refreshTokenExpiresAt\n  viewer {\n    id\n    username\n    scopes\n    greeting\n  }\n}\n\nmutation Login($username: String!, $password: String!) {\n  login(username: $username, password: $password) {\n    ...Session\n  }\n}\n\nmutation RefreshToken($refreshToken: String!) {\n  refreshToken(refreshToken: $refreshToken) {\n    ...Session\n  }\n}\n\nmutation Logout($refreshToken: String!) {\n  logout(refreshToken: $refreshToken)\n}\n\nmutation RevokeAllSessions {\n  revokeAllSessions\n}\n\nmutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n  changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {\n    ...Session\n  }\n}\n\nquery MySessions {\n  me {\n    id\n    sessions {\n      id\n      current\n      createdAt\n      lastUsedAt\n      expiresAt\n      ipAddress\n      userAgent\n      deviceLabel\n    }\n  }\n}\n\nmutation RevokeSession($id: ID!) {\n  revokeSession(id: $id)\n}\n\nmutation RevokeOtherSessions {\n  revokeOtherSessions\n}": types.SessionFragmentDoc,
    "subscription ViewerEvents {\n  viewerEvents {\n    type\n    at\n    sessionId\n  }\n}\n\nsubscription LiveAuditEvents($filter: AuditEventFilter) {\n  auditEvents(filter: $filter) {\n    id\n    at\n    type\n    actorId\n    userId\n    username\n    details\n  }\n}": types.ViewerEventsDocument,
    "fragment UserFields on User {\n  id\n  username\n  scopes\n  disabled\n  createdAt\n  updatedAt\n}\n\nquery Users($first: Int, $after: String) {\n  users(first: $first, after: $after) {\n    nodes {\n      ...UserFields\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n}\n\nmutation CreateUser($input: CreateUserInput!) {\n  createUser(input: $input) {\n    ...UserFields\n  }\n}\n\nmutation SetUserScopes($userId: ID!, $scopes: [String!]!) {\n  setUserScopes(userId: $userId, scopes: $scopes) {\n    ...UserFields\n  }\n}\n\nmutation DisableUser($userId: ID!) {\n  disableUser(userId: $userId) {\n    ...UserFields\n  }\n}\n\nmutation EnableUser($userId: ID!) {\n  enableUser(userId: $userId) {\n    ...UserFields\n  }\n}\n\nquery UserSessions($id: ID!) {\n  user(id: $id) {\n    id\n    username\n    sessions {\n      id\n      current\n      lastUsedAt\n      deviceLabel\n      ipAddress\n    }\n  }\n}": types.UserFieldsFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query AuditEvents($first: Int, $after: String, $filter: AuditEventFilter) {\n  auditEvents(first: $first, after: $after, filter: $filter) {\n    nodes {\n      id\n      at\n      type\n      actorId\n      userId\n      username\n      ip\n      userAgent\n      details\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n}"): (typeof documents)["query AuditEvents($first: Int, $after: String, $filter: AuditEventFilter) {\n  auditEvents(first: $first, after: $after, filter: $filter) {\n    nodes {\n      id\n      at\n      type\n      actorId\n      userId\n      username\n      ip\n      userAgent\n      details\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation IssueToken($input: IssueTokenInput!) {\n  issueToken(input: $input) {\n    accessToken\n    tokenType\n    expiresAt\n    scopes\n    tokenId\n  }\n}\n\nmutation RevokeToken($tokenId: ID!) {\n  revokeToken(tokenId: $tokenId)\n}"): (typeof documents)["mutation IssueToken($input: IssueTokenInput!) {\n  issueToken(input: $input) {\n    accessToken\n    tokenType\n    expiresAt\n    scopes\n    tokenId\n  }\n}\n\nmutation RevokeToken($tokenId: ID!) {\n  revokeToken(tokenId: $tokenId)\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Me {\n  me {\n    id\n    username\n    scopes\n    greeting\n    tokenExpiresAt\n  }\n}"): (typeof documents)["query Me {\n  me {\n    id\n    username\n    scopes\n    greeting\n    tokenExpiresAt\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Permissions {\n  permissions {\n    operation\n    type\n    requiresAuthentication\n    anyOfScopes\n    owner {\n      description\n      argument\n      resource\n    }\n    account\n  }\n}"): (typeof documents)["query Permissions {\n  permissions {\n    operation\n    type\n    requiresAuthentication\n    anyOfScopes\n    owner {\n      description\n      argument\n      resource\n    }\n    account\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment Session on AuthPayload {\n  accessToken\n  tokenType\n  expiresAt\n  refreshToken\n  refreshTokenExpiresAt\n  viewer {\n    id\n    username\n    scopes\n    greeting\n  }\n}\n\nmutation Login($username: String!, $password: String!) {\n  login(username: $username, password: $password) {\n    ...Session\n  }\n}\n\nmutation RefreshToken($refreshToken: String!) {\n  refreshToken(refreshToken: $refreshToken) {\n    ...Session\n  }\n}\n\nmutation Logout($refreshToken: String!) {\n  logout(refreshToken: $refreshToken)\n}\n\nmutation RevokeAllSessions {\n  revokeAllSessions\n}\n\nmutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n  changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {\n    ...Session\n  }\n}\n\nquery MySessions {\n  me {\n    id\n    sessions {\n      id\n      current\n      createdAt\n      lastUsedAt\n      expiresAt\n      ipAddress\n      userAgent\n      deviceLabel\n    }\n  }\n}\n\nmutation RevokeSession($id: ID!) {\n  revokeSession(id: $id)\n}\n\nmutation RevokeOtherSessions {\n  revokeOtherSessions\n}"): (typeof documents)["fragment Session on AuthPayload {\n  accessToken\n  tokenType\n  expiresAt\n  refreshToken\n  refreshTokenExpiresAt\n  viewer {\n    id\n    username\n    scopes\n    greeting\n  }\n}\n\nmutation Login($username: String!, $password: String!) {\n  login(username: $username, password: $password) {\n    ...Session\n  }\n}\n\nmutation RefreshToken($refreshToken: String!) {\n  refreshToken(refreshToken: $refreshToken) {\n    ...Session\n  }\n}\n\nmutation Logout($refreshToken: String!) {\n  logout(refreshToken: $refreshToken)\n}\n\nmutation RevokeAllSessions {\n  revokeAllSessions\n}\n\nmutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n  changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {\n    ...Session\n  }\n}\n\nquery MySessions {\n  me {\n    id\n    sessions {\n      id\n      current\n      createdAt\n      lastUsedAt\n      expiresAt\n      ipAddress\n      userAgent\n      deviceLabel\n    }\n  }\n}\n\nmutation RevokeSession($id: ID!) {\n  revokeSession(id: $id)\n}\n\nmutation RevokeOtherSessions {\n  revokeOtherSessions\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription ViewerEvents {\n  viewerEvents {\n    type\n    at\n    sessionId\n  }\n}\n\nsubscription LiveAuditEvents($filter: AuditEventFilter) {\n  auditEvents(filter: $filter) {\n    id\n    at\n    type\n    actorId\n    userId\n    username\n    details\n  }\n}"): (typeof documents)["subscription ViewerEvents {\n  viewerEvents {\n    type\n    at\n    sessionId\n  }\n}\n\nsubscription LiveAuditEvents($filter: AuditEventFilter) {\n  auditEvents(filter: $filter) {\n    id\n    at\n    type\n    actorId\n    userId\n    username\n    details\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment UserFields on User {\n  id\n  username\n  scopes\n  disabled\n  createdAt\n  updatedAt\n}\n\nquery Users($first: Int, $after: String) {\n  users(first: $first, after: $after) {\n    nodes {\n      ...UserFields\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n}\n\nmutation CreateUser($input: CreateUserInput!) {\n  createUser(input: $input) {\n    ...UserFields\n  }\n}\n\nmutation SetUserScopes($userId: ID!, $scopes: [String!]!) {\n  setUserScopes(userId: $userId, scopes: $scopes) {\n    ...UserFields\n  }\n}\n\nmutation DisableUser($userId: ID!) {\n  disableUser(userId: $userId) {\n    ...UserFields\n  }\n}\n\nmutation EnableUser($userId: ID!) {\n  enableUser(userId: $userId) {\n    ...UserFields\n  }\n}\n\nquery UserSessions($id: ID!) {\n  user(id: $id) {\n    id\n    username\n    sessions {\n      id\n      current\n      lastUsedAt\n      deviceLabel\n      ipAddress\n    }\n  }\n}"): (typeof documents)["fragment UserFields on User {\n  id\n  username\n  scopes\n  disabled\n  createdAt\n  updatedAt\n}\n\nquery Users($first: Int, $after: String) {\n  users(first: $first, after: $after) {\n    nodes {\n      ...UserFields\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n}\n\nmutation CreateUser($input: CreateUserInput!) {\n  createUser(input: $input) {\n    ...UserFields\n  }\n}\n\nmutation SetUserScopes($userId: ID!, $scopes: [String!]!) {\n  setUserScopes(userId: $userId, scopes: $scopes) {\n    ...UserFields\n  }\n}\n\nmutation DisableUser($userId: ID!) {\n  disableUser(userId: $userId) {\n    ...UserFields\n  }\n}\n\nmutation EnableUser($userId: ID!) {\n  enableUser(userId: $userId) {\n    ...UserFields\n  }\n}\n\nquery UserSessions($id: ID!) {\n  user(id: $id) {\n    id\n    username\n    sessions {\n      id\n      current\n      lastUsedAt\n      deviceLabel\n      ipAddress\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;
/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar.This scalar is serialized to a string in ISO 8601 format and parsed from a string in ISO 8601 format. */
  DateTimeISO: { input: string; output: string; }
  /** The `JSONObject` scalar type represents JSON objects as specified by [ECMA-404](http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf). */
  JSONObject: { input: Record<string, unknown>; output: Record<string, unknown>; }
  federation__Policy: { input: string; output: string; }
  federation__Scope: { input: string; output: string; }
  link__Import: { input: string; output: string; }
};

/** Which tokens qualify for an operation at all. */
export type AccountRequirement =
  /** Any verified token: this API's or a trusted issuer's. */
  | 'ANY'
  /** A token this API issued, whose account is active now and still holds the scopes that let it in (checked against the database on every request). */
  | 'LIVE'
  /** A token this API issued. */
  | 'LOCAL';

/** One entry of the security audit trail. Never holds a password or a token. */
export type AuditEvent = {
  __typename?: 'AuditEvent';
  /** Who did it, when not the user it concerns (an admin). */
  actorId?: Maybe<Scalars['ID']['output']>;
  at: Scalars['DateTimeISO']['output'];
  /** What changed (before and after), scopes, ids, lifetimes. */
  details: Scalars['JSONObject']['output'];
  id: Scalars['ID']['output'];
  /** The client address, as TRUST_PROXY resolves it. */
  ip?: Maybe<Scalars['String']['output']>;
  /** What happened: `login.failed`, `user.disabled`, … (docs/accounts-and-sessions.md, Audit trail). */
  type: Scalars['String']['output'];
  userAgent?: Maybe<Scalars['String']['output']>;
  /** The account it concerns. */
  userId?: Maybe<Scalars['ID']['output']>;
  username?: Maybe<Scalars['String']['output']>;
};

/** Narrows the audit trail; every field given must match. */
export type AuditEventFilter = {
  /** Only events at or after this time. */
  since?: InputMaybe<Scalars['DateTimeISO']['input']>;
  /** An event type, such as `login.failed`. */
  type?: InputMaybe<Scalars['String']['input']>;
  userId?: InputMaybe<Scalars['ID']['input']>;
};

/** One page of audit events, newest first. */
export type AuditEventPage = {
  __typename?: 'AuditEventPage';
  nodes: Array<AuditEvent>;
  pageInfo: PageInfo;
};

/** A signed-in session: a short-lived access token and the refresh token that renews it. */
export type AuthPayload = {
  __typename?: 'AuthPayload';
  /** Send as `Authorization: Bearer <accessToken>`. */
  accessToken: Scalars['String']['output'];
  /** When the access token expires. */
  expiresAt: Scalars['DateTimeISO']['output'];
  /** Opaque; exchange it with refreshToken before it expires. Each one works once. */
  refreshToken: Scalars['String']['output'];
  refreshTokenExpiresAt: Scalars['DateTimeISO']['output'];
  /** Always "Bearer". */
  tokenType: Scalars['String']['output'];
  /** The caller as the new access token describes it. */
  viewer: Viewer;
};

/** A new user account. */
export type CreateUserInput = {
  /** At least 12 characters, 5 of them different, not containing the username. */
  password: Scalars['String']['input'];
  /** Scopes to grant; the caller must hold each one. */
  scopes?: Array<Scalars['String']['input']>;
  /** 3-32 letters, digits, ".", "_" or "-"; unique regardless of case. */
  username: Scalars['String']['input'];
};

/** Claims for a short-lived token. Nothing else can be put in a token. */
export type IssueTokenInput = {
  /** Lifetime in seconds; defaults to JWT_TTL and may not exceed JWT_MAX_TTL. */
  expiresIn?: InputMaybe<Scalars['Int']['input']>;
  /** Scopes to grant; the caller must hold each one. */
  scopes?: Array<Scalars['String']['input']>;
  /** The token subject (`sub`): a user or service id. */
  subject: Scalars['String']['input'];
  username: Scalars['String']['input'];
};

/** A freshly signed access token. */
export type IssuedToken = {
  __typename?: 'IssuedToken';
  /** Send as `Authorization: Bearer <accessToken>`. */
  accessToken: Scalars['String']['output'];
  expiresAt: Scalars['DateTimeISO']['output'];
  scopes: Array<Scalars['String']['output']>;
  /** The token's `jti`: what `revokeToken` takes to end it before it expires. */
  tokenId: Scalars['ID']['output'];
  /** Always "Bearer". */
  tokenType: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Changes the password, ends every other session, revokes every access token issued so far and returns a fresh session for the caller.
   *
   * Requires authentication, with a token issued by this API.
   */
  changePassword?: Maybe<AuthPayload>;
  /**
   * Creates a user. Only scopes the caller holds can be granted.
   *
   * Requires scope users:write (admin implies it). Checked against the caller's account now: it must be active and still hold the scope.
   */
  createUser?: Maybe<User>;
  /**
   * Disables a user and ends all their sessions. Not yourself, nor anyone holding a scope you lack.
   *
   * Requires scope users:write (admin implies it). Checked against the caller's account now: it must be active and still hold the scope.
   */
  disableUser?: Maybe<User>;
  /**
   * Lets a disabled user log in again. Not yourself, nor anyone holding a scope you lack.
   *
   * Requires scope users:write (admin implies it). Checked against the caller's account now: it must be active and still hold the scope.
   */
  enableUser?: Maybe<User>;
  /**
   * Mints a short-lived token for a service or user, naming the caller as its minter (`act`). Only scopes the caller's account holds now can be granted, and a user subject gets none it lacks.
   *
   * Requires scope tokens:issue (admin implies it). Checked against the caller's account now: it must be active and still hold the scope.
   */
  issueToken?: Maybe<IssuedToken>;
  /** Signs in with a username and password. */
  login?: Maybe<AuthPayload>;
  /**
   * Ends the session of this refresh token, and its access tokens on every instance within a second (they answer TOKEN_REVOKED). Another user's refresh token is left alone, with the same answer.
   *
   * Requires authentication, with a token issued by this API.
   */
  logout?: Maybe<Scalars['Boolean']['output']>;
  /** Exchanges a refresh token for a new access token and a new refresh token. The old one stops working; presenting it again ends the session (REFRESH_TOKEN_REUSED). */
  refreshToken?: Maybe<AuthPayload>;
  /**
   * Ends every session of the caller and revokes every access token issued to it so far; returns how many sessions were live.
   *
   * Requires authentication, with a token issued by this API.
   */
  revokeAllSessions?: Maybe<Scalars['Int']['output']>;
  /**
   * Ends every session of yours but the one of this token (all of them when the token names none); returns how many.
   *
   * Requires authentication, with a token issued by this API.
   */
  revokeOtherSessions?: Maybe<Scalars['Int']['output']>;
  /**
   * Ends one session (see `me { sessions }`): its refresh token at once, its access tokens and sockets on every instance within a second. Your own, or anyone's with users:write. False when it had already ended.
   *
   * Requires being the owner of the Session named by `id`, or scope users:write (admin implies it). Checked against the caller's account now: it must be active and still hold the scope.
   */
  revokeSession?: Maybe<Scalars['Boolean']['output']>;
  /**
   * Revokes one minted token by its id (`IssuedToken.tokenId`, the `jti`) on every instance within a second: it then answers TOKEN_REVOKED.
   *
   * Requires scope tokens:revoke (admin implies it). Checked against the caller's account now: it must be active and still hold the scope.
   */
  revokeToken?: Maybe<Scalars['Boolean']['output']>;
  /**
   * Replaces a user's scopes. Every scope added or removed must be one the caller holds.
   *
   * Requires scope users:write (admin implies it). Checked against the caller's account now: it must be active and still hold the scope.
   */
  setUserScopes?: Maybe<User>;
};


export type MutationChangePasswordArgs = {
  currentPassword: Scalars['String']['input'];
  newPassword: Scalars['String']['input'];
};


export type MutationCreateUserArgs = {
  input: CreateUserInput;
};


export type MutationDisableUserArgs = {
  userId: Scalars['ID']['input'];
};


export type MutationEnableUserArgs = {
  userId: Scalars['ID']['input'];
};


export type MutationIssueTokenArgs = {
  input: IssueTokenInput;
};


export type MutationLoginArgs = {
  password: Scalars['String']['input'];
  username: Scalars['String']['input'];
};


export type MutationLogoutArgs = {
  refreshToken: Scalars['String']['input'];
};


export type MutationRefreshTokenArgs = {
  refreshToken: Scalars['String']['input'];
};


export type MutationRevokeSessionArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRevokeTokenArgs = {
  tokenId: Scalars['ID']['input'];
};


export type MutationSetUserScopesArgs = {
  scopes: Array<Scalars['String']['input']>;
  userId: Scalars['ID']['input'];
};

/** What one root operation requires, read from the map the server enforces. */
export type OperationPermission = {
  __typename?: 'OperationPermission';
  account: AccountRequirement;
  /** Any one of these sets lets a caller in when its token grants every scope of the set, with the scope hierarchy expanded (`[["admin"], ["users:read"]]`). `[[]]`: any token; `[]`: scopes alone never do (owner only) or the operation is public. */
  anyOfScopes: Array<Array<Scalars['String']['output']>>;
  /** The root field name, e.g. "me". */
  operation: Scalars['String']['output'];
  /** Who may use it without the scopes. */
  owner?: Maybe<OwnerAlternative>;
  /**
   * The operation's first scope set as the permission map declares it, before the hierarchy.
   * @deprecated Use anyOfScopes: an operation may accept several sets of scopes, or its owner.
   */
  requiredScopes: Array<Scalars['String']['output']>;
  requiresAuthentication: Scalars['Boolean']['output'];
  type: OperationType;
};

/** The root type an operation belongs to. */
export type OperationType =
  | 'MUTATION'
  | 'QUERY'
  | 'SUBSCRIPTION';

/** The owner alternative of an operation: its owner may use it without the scopes. */
export type OwnerAlternative = {
  __typename?: 'OwnerAlternative';
  /** The argument naming the account (or, with `resource`, the resource) it concerns. */
  argument?: Maybe<Scalars['String']['output']>;
  /** In words: "the account named by `id`". */
  description: Scalars['String']['output'];
  /** The kind of resource `argument` names, whose owner is looked up (e.g. "Note"). */
  resource?: Maybe<Scalars['String']['output']>;
};

/** Cursor pagination state. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Pass as `after` to get the next page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type Query = {
  __typename?: 'Query';
  /**
   * The security audit trail, newest first, a page at a time (at most 200).
   *
   * Requires scope audit:read (admin implies it). Checked against the caller's account now: it must be active and still hold the scope.
   */
  auditEvents: AuditEventPage;
  /**
   * The caller, from the access token alone: no database is read.
   *
   * Requires authentication.
   */
  me: Viewer;
  /** Every root query, mutation and subscription with what it requires: the same map the server enforces. */
  permissions: Array<OperationPermission>;
  /**
   * One account: your own, or (with users:read) anyone's; null when no account has this id. Anyone else is refused (FORBIDDEN, NOT_OWNER) whatever the id, so the answer never tells whether it exists.
   *
   * Requires being the account named by `id`, or scope users:read (admin implies it). Checked against the caller's account now: it must be active and still hold the scope.
   */
  user?: Maybe<User>;
  /**
   * Users ordered by username, a page at a time (at most 100).
   *
   * Requires scope users:read (admin implies it). Checked against the caller's account now: it must be active and still hold the scope.
   */
  users: UserPage;
};


export type QueryAuditEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AuditEventFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryUserArgs = {
  id: Scalars['ID']['input'];
};


export type QueryUsersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A place an account is signed in: one login, kept alive by its refresh tokens. Its access tokens carry its id as `sid`. */
export type Session = {
  __typename?: 'Session';
  /** When it began: the login. */
  createdAt: Scalars['DateTimeISO']['output'];
  /** This is the session of the token that asks. */
  current: Scalars['Boolean']['output'];
  /** A name for the device: "Firefox on Linux", "NotesApp on iOS". */
  deviceLabel: Scalars['String']['output'];
  /** When it ends unless refreshed before. */
  expiresAt: Scalars['DateTimeISO']['output'];
  id: Scalars['ID']['output'];
  /** The client address of its last login or refresh, as TRUST_PROXY resolves it. */
  ipAddress?: Maybe<Scalars['String']['output']>;
  /** Its last login or refresh (access tokens are not counted). */
  lastUsedAt: Scalars['DateTimeISO']['output'];
  /** The user agent of its last login or refresh, control characters removed, at most 256 characters. */
  userAgent?: Maybe<Scalars['String']['output']>;
};

export type Subscription = {
  __typename?: 'Subscription';
  /**
   * A live tail of the security audit trail, from every instance, narrowed by `filter` (its `since` is ignored).
   *
   * Requires scope audit:read (admin implies it). Checked against the caller's account now: it must be active and still hold the scope.
   */
  auditEvents: AuditEvent;
  /**
   * Your account's events as they happen on any instance: a session ended elsewhere, all sessions revoked, the password changed, your scopes changed.
   *
   * Requires authentication.
   */
  viewerEvents: ViewerEvent;
};


export type SubscriptionAuditEventsArgs = {
  filter?: InputMaybe<AuditEventFilter>;
};

/** A user account. The password hash never leaves the database layer. */
export type User = {
  __typename?: 'User';
  createdAt: Scalars['DateTimeISO']['output'];
  disabled: Scalars['Boolean']['output'];
  id: Scalars['ID']['output'];
  /** Scopes granted to the user; access tokens carry them from the next login or refresh. */
  scopes: Array<Scalars['String']['output']>;
  /**
   * Where this user is signed in, most recently used first.
   *
   * Requires being the owner named by the object's `id`, or scope users:read (admin implies it). Checked against the caller's account now: it must be active and still hold the scope.
   */
  sessions?: Maybe<Array<Session>>;
  updatedAt: Scalars['DateTimeISO']['output'];
  username: Scalars['String']['output'];
};

/** One page of users, ordered by username. */
export type UserPage = {
  __typename?: 'UserPage';
  nodes: Array<User>;
  pageInfo: PageInfo;
};

/** The caller, exactly as its verified access token describes it. */
export type Viewer = {
  __typename?: 'Viewer';
  /** The personalised dashboard greeting, "Hey <username>". */
  greeting: Scalars['String']['output'];
  /** The token subject (`sub`). */
  id: Scalars['ID']['output'];
  /** Scopes granted by the token. */
  scopes: Array<Scalars['String']['output']>;
  /**
   * Where you are signed in, most recently used first; `current` marks this token’s session.
   *
   * Requires being the owner named by the object's `id`, with a token issued by this API.
   */
  sessions?: Maybe<Array<Session>>;
  /** When the access token expires; refresh before then. */
  tokenExpiresAt: Scalars['DateTimeISO']['output'];
  username: Scalars['String']['output'];
};

/** Something that happened to your account elsewhere. On `user.scopes_set`, refresh to get a token with your new scopes; a socket whose own token was revoked is closed (4401) instead. */
export type ViewerEvent = {
  __typename?: 'ViewerEvent';
  at: Scalars['DateTimeISO']['output'];
  /** The session it concerns, when it concerns one. */
  sessionId?: Maybe<Scalars['ID']['output']>;
  /** `session.ended` (a logout), `session.revoked` (one session ended from elsewhere), `sessions.revoked`, `password.changed` or `user.scopes_set`. */
  type: Scalars['String']['output'];
};

export type Link__Purpose =
  | 'EXECUTION'
  | 'SECURITY';

export type AuditEventsQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AuditEventFilter>;
}>;


export type AuditEventsQuery = { __typename?: 'Query', auditEvents: { __typename: 'AuditEventPage', nodes: Array<{ __typename: 'AuditEvent', id: string, at: string, type: string, actorId?: string | null, userId?: string | null, username?: string | null, ip?: string | null, userAgent?: string | null, details: Record<string, unknown> }>, pageInfo: { __typename: 'PageInfo', endCursor?: string | null, hasNextPage: boolean } } };

export type IssueTokenMutationVariables = Exact<{
  input: IssueTokenInput;
}>;


export type IssueTokenMutation = { __typename?: 'Mutation', issueToken?: { __typename: 'IssuedToken', accessToken: string, tokenType: string, expiresAt: string, scopes: Array<string>, tokenId: string } | null };

export type RevokeTokenMutationVariables = Exact<{
  tokenId: Scalars['ID']['input'];
}>;


export type RevokeTokenMutation = { __typename?: 'Mutation', revokeToken?: boolean | null };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { __typename?: 'Query', me: { __typename: 'Viewer', id: string, username: string, scopes: Array<string>, greeting: string, tokenExpiresAt: string } };

export type PermissionsQueryVariables = Exact<{ [key: string]: never; }>;


export type PermissionsQuery = { __typename?: 'Query', permissions: Array<{ __typename: 'OperationPermission', operation: string, type: OperationType, requiresAuthentication: boolean, anyOfScopes: Array<Array<string>>, account: AccountRequirement, owner?: { __typename: 'OwnerAlternative', description: string, argument?: string | null, resource?: string | null } | null }> };

export type SessionFragment = { __typename: 'AuthPayload', accessToken: string, tokenType: string, expiresAt: string, refreshToken: string, refreshTokenExpiresAt: string, viewer: { __typename: 'Viewer', id: string, username: string, scopes: Array<string>, greeting: string } };

export type LoginMutationVariables = Exact<{
  username: Scalars['String']['input'];
  password: Scalars['String']['input'];
}>;


export type LoginMutation = { __typename?: 'Mutation', login?: { __typename: 'AuthPayload', accessToken: string, tokenType: string, expiresAt: string, refreshToken: string, refreshTokenExpiresAt: string, viewer: { __typename: 'Viewer', id: string, username: string, scopes: Array<string>, greeting: string } } | null };

export type RefreshTokenMutationVariables = Exact<{
  refreshToken: Scalars['String']['input'];
}>;


export type RefreshTokenMutation = { __typename?: 'Mutation', refreshToken?: { __typename: 'AuthPayload', accessToken: string, tokenType: string, expiresAt: string, refreshToken: string, refreshTokenExpiresAt: string, viewer: { __typename: 'Viewer', id: string, username: string, scopes: Array<string>, greeting: string } } | null };

export type LogoutMutationVariables = Exact<{
  refreshToken: Scalars['String']['input'];
}>;


export type LogoutMutation = { __typename?: 'Mutation', logout?: boolean | null };

export type RevokeAllSessionsMutationVariables = Exact<{ [key: string]: never; }>;


export type RevokeAllSessionsMutation = { __typename?: 'Mutation', revokeAllSessions?: number | null };

export type ChangePasswordMutationVariables = Exact<{
  currentPassword: Scalars['String']['input'];
  newPassword: Scalars['String']['input'];
}>;


export type ChangePasswordMutation = { __typename?: 'Mutation', changePassword?: { __typename: 'AuthPayload', accessToken: string, tokenType: string, expiresAt: string, refreshToken: string, refreshTokenExpiresAt: string, viewer: { __typename: 'Viewer', id: string, username: string, scopes: Array<string>, greeting: string } } | null };

export type MySessionsQueryVariables = Exact<{ [key: string]: never; }>;


export type MySessionsQuery = { __typename?: 'Query', me: { __typename: 'Viewer', id: string, sessions?: Array<{ __typename: 'Session', id: string, current: boolean, createdAt: string, lastUsedAt: string, expiresAt: string, ipAddress?: string | null, userAgent?: string | null, deviceLabel: string }> | null } };

export type RevokeSessionMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type RevokeSessionMutation = { __typename?: 'Mutation', revokeSession?: boolean | null };

export type RevokeOtherSessionsMutationVariables = Exact<{ [key: string]: never; }>;


export type RevokeOtherSessionsMutation = { __typename?: 'Mutation', revokeOtherSessions?: number | null };

export type ViewerEventsSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type ViewerEventsSubscription = { __typename?: 'Subscription', viewerEvents: { __typename: 'ViewerEvent', type: string, at: string, sessionId?: string | null } };

export type LiveAuditEventsSubscriptionVariables = Exact<{
  filter?: InputMaybe<AuditEventFilter>;
}>;


export type LiveAuditEventsSubscription = { __typename?: 'Subscription', auditEvents: { __typename: 'AuditEvent', id: string, at: string, type: string, actorId?: string | null, userId?: string | null, username?: string | null, details: Record<string, unknown> } };

export type UserFieldsFragment = { __typename: 'User', id: string, username: string, scopes: Array<string>, disabled: boolean, createdAt: string, updatedAt: string };

export type UsersQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type UsersQuery = { __typename?: 'Query', users: { __typename: 'UserPage', nodes: Array<{ __typename: 'User', id: string, username: string, scopes: Array<string>, disabled: boolean, createdAt: string, updatedAt: string }>, pageInfo: { __typename: 'PageInfo', endCursor?: string | null, hasNextPage: boolean } } };

export type CreateUserMutationVariables = Exact<{
  input: CreateUserInput;
}>;


export type CreateUserMutation = { __typename?: 'Mutation', createUser?: { __typename: 'User', id: string, username: string, scopes: Array<string>, disabled: boolean, createdAt: string, updatedAt: string } | null };

export type SetUserScopesMutationVariables = Exact<{
  userId: Scalars['ID']['input'];
  scopes: Array<Scalars['String']['input']> | Scalars['String']['input'];
}>;


export type SetUserScopesMutation = { __typename?: 'Mutation', setUserScopes?: { __typename: 'User', id: string, username: string, scopes: Array<string>, disabled: boolean, createdAt: string, updatedAt: string } | null };

export type DisableUserMutationVariables = Exact<{
  userId: Scalars['ID']['input'];
}>;


export type DisableUserMutation = { __typename?: 'Mutation', disableUser?: { __typename: 'User', id: string, username: string, scopes: Array<string>, disabled: boolean, createdAt: string, updatedAt: string } | null };

export type EnableUserMutationVariables = Exact<{
  userId: Scalars['ID']['input'];
}>;


export type EnableUserMutation = { __typename?: 'Mutation', enableUser?: { __typename: 'User', id: string, username: string, scopes: Array<string>, disabled: boolean, createdAt: string, updatedAt: string } | null };

export type UserSessionsQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type UserSessionsQuery = { __typename?: 'Query', user?: { __typename: 'User', id: string, username: string, sessions?: Array<{ __typename: 'Session', id: string, current: boolean, lastUsedAt: string, deviceLabel: string, ipAddress?: string | null }> | null } | null };

export const SessionFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"Session"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AuthPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"accessToken"}},{"kind":"Field","name":{"kind":"Name","value":"tokenType"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"refreshToken"}},{"kind":"Field","name":{"kind":"Name","value":"refreshTokenExpiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"scopes"}},{"kind":"Field","name":{"kind":"Name","value":"greeting"}}]}}]}}]} as unknown as DocumentNode<SessionFragment, unknown>;
export const UserFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"scopes"}},{"kind":"Field","name":{"kind":"Name","value":"disabled"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<UserFieldsFragment, unknown>;
export const AuditEventsDocument = {"__meta__":{"hash":"ab37507b47595373f9001edbcd3ba0342accae706e4c22e21d5cabe45be15df1"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AuditEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"AuditEventFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"auditEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"actorId"}},{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"ip"}},{"kind":"Field","name":{"kind":"Name","value":"userAgent"}},{"kind":"Field","name":{"kind":"Name","value":"details"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}}]}}]}}]}}]} as unknown as DocumentNode<AuditEventsQuery, AuditEventsQueryVariables>;
export const IssueTokenDocument = {"__meta__":{"hash":"99c58af1c70ff563b69e90bf9b31427210eb16fff8fee9585133226f825d4b55"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"IssueToken"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"IssueTokenInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"issueToken"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"accessToken"}},{"kind":"Field","name":{"kind":"Name","value":"tokenType"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"scopes"}},{"kind":"Field","name":{"kind":"Name","value":"tokenId"}}]}}]}}]} as unknown as DocumentNode<IssueTokenMutation, IssueTokenMutationVariables>;
export const RevokeTokenDocument = {"__meta__":{"hash":"1eb197454bdff04dbfa7163ade36f32fde80accdd8ab6d7a163a0c0b5707bd01"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeToken"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"tokenId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeToken"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"tokenId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"tokenId"}}}]}]}}]} as unknown as DocumentNode<RevokeTokenMutation, RevokeTokenMutationVariables>;
export const MeDocument = {"__meta__":{"hash":"482ad98f12e7b6290d425f3d77e35005b648d810376bf16a44f2dd969edb673c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"scopes"}},{"kind":"Field","name":{"kind":"Name","value":"greeting"}},{"kind":"Field","name":{"kind":"Name","value":"tokenExpiresAt"}}]}}]}}]} as unknown as DocumentNode<MeQuery, MeQueryVariables>;
export const PermissionsDocument = {"__meta__":{"hash":"8736434346528bbd5f6138c203010ddce6fe4f472098a6ee349e3c0a6943ee81"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Permissions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"permissions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"operation"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"requiresAuthentication"}},{"kind":"Field","name":{"kind":"Name","value":"anyOfScopes"}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"argument"}},{"kind":"Field","name":{"kind":"Name","value":"resource"}}]}},{"kind":"Field","name":{"kind":"Name","value":"account"}}]}}]}}]} as unknown as DocumentNode<PermissionsQuery, PermissionsQueryVariables>;
export const LoginDocument = {"__meta__":{"hash":"42ea6d087440c502fc42feca8570eb4270b94d8e6dbebc6c2784da76289f9db6"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Login"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"username"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"password"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"login"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"username"},"value":{"kind":"Variable","name":{"kind":"Name","value":"username"}}},{"kind":"Argument","name":{"kind":"Name","value":"password"},"value":{"kind":"Variable","name":{"kind":"Name","value":"password"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"Session"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"Session"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AuthPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"accessToken"}},{"kind":"Field","name":{"kind":"Name","value":"tokenType"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"refreshToken"}},{"kind":"Field","name":{"kind":"Name","value":"refreshTokenExpiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"scopes"}},{"kind":"Field","name":{"kind":"Name","value":"greeting"}}]}}]}}]} as unknown as DocumentNode<LoginMutation, LoginMutationVariables>;
export const RefreshTokenDocument = {"__meta__":{"hash":"2f6855bda50625170935a3070ed4c89fabd086734fda6e98d2e9081d71d91f16"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RefreshToken"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"refreshToken"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"refreshToken"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"refreshToken"},"value":{"kind":"Variable","name":{"kind":"Name","value":"refreshToken"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"Session"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"Session"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AuthPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"accessToken"}},{"kind":"Field","name":{"kind":"Name","value":"tokenType"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"refreshToken"}},{"kind":"Field","name":{"kind":"Name","value":"refreshTokenExpiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"scopes"}},{"kind":"Field","name":{"kind":"Name","value":"greeting"}}]}}]}}]} as unknown as DocumentNode<RefreshTokenMutation, RefreshTokenMutationVariables>;
export const LogoutDocument = {"__meta__":{"hash":"44df27831b2e811e41361abb45896fc013bf9f0e37f54ae93fdb75c2c1f24da5"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Logout"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"refreshToken"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"logout"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"refreshToken"},"value":{"kind":"Variable","name":{"kind":"Name","value":"refreshToken"}}}]}]}}]} as unknown as DocumentNode<LogoutMutation, LogoutMutationVariables>;
export const RevokeAllSessionsDocument = {"__meta__":{"hash":"478aa95916afd8058e2f5728d0fa47997e1c4e19a79f1f0809dd50330bbe7e14"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeAllSessions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeAllSessions"}}]}}]} as unknown as DocumentNode<RevokeAllSessionsMutation, RevokeAllSessionsMutationVariables>;
export const ChangePasswordDocument = {"__meta__":{"hash":"5486953fa0da4b5926103efbaa9822fe163ef13210eac4ebe43eaf3cf80e12da"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ChangePassword"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"currentPassword"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"newPassword"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"changePassword"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"currentPassword"},"value":{"kind":"Variable","name":{"kind":"Name","value":"currentPassword"}}},{"kind":"Argument","name":{"kind":"Name","value":"newPassword"},"value":{"kind":"Variable","name":{"kind":"Name","value":"newPassword"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"Session"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"Session"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AuthPayload"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"accessToken"}},{"kind":"Field","name":{"kind":"Name","value":"tokenType"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"refreshToken"}},{"kind":"Field","name":{"kind":"Name","value":"refreshTokenExpiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"scopes"}},{"kind":"Field","name":{"kind":"Name","value":"greeting"}}]}}]}}]} as unknown as DocumentNode<ChangePasswordMutation, ChangePasswordMutationVariables>;
export const MySessionsDocument = {"__meta__":{"hash":"f3aec5bc7bb164ff98c1ecd5381c1ca8018b2b07b4bcf4cccb7a42c72487b512"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MySessions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"sessions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"current"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"ipAddress"}},{"kind":"Field","name":{"kind":"Name","value":"userAgent"}},{"kind":"Field","name":{"kind":"Name","value":"deviceLabel"}}]}}]}}]}}]} as unknown as DocumentNode<MySessionsQuery, MySessionsQueryVariables>;
export const RevokeSessionDocument = {"__meta__":{"hash":"0da1f5ad6ca30b47e1cb2c8f9b833664fb3647a47c585080a1a7fa8bc04c825c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeSession"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeSession"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}]}}]} as unknown as DocumentNode<RevokeSessionMutation, RevokeSessionMutationVariables>;
export const RevokeOtherSessionsDocument = {"__meta__":{"hash":"9c1939f55fcd8c2aa1fb9b186b71b8b8494a4bc48a32f1c1d22c2488f8a5f742"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeOtherSessions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeOtherSessions"}}]}}]} as unknown as DocumentNode<RevokeOtherSessionsMutation, RevokeOtherSessionsMutationVariables>;
export const ViewerEventsDocument = {"__meta__":{"hash":"9a95d25b3f761ab1b2b55217f4ecb6729cf8883e0d081682a08ee8f04560ff67"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ViewerEvents"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewerEvents"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"sessionId"}}]}}]}}]} as unknown as DocumentNode<ViewerEventsSubscription, ViewerEventsSubscriptionVariables>;
export const LiveAuditEventsDocument = {"__meta__":{"hash":"e4ebba924bf13671cd738cb84dca96930082c4a73de1614f4e616f287294fcbd"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"LiveAuditEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"AuditEventFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"auditEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"actorId"}},{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"details"}}]}}]}}]} as unknown as DocumentNode<LiveAuditEventsSubscription, LiveAuditEventsSubscriptionVariables>;
export const UsersDocument = {"__meta__":{"hash":"57e36efdee51f5cd2351d20805472a0f396b5d2569c3db18b7652fafc7abf7e3"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Users"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"users"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"scopes"}},{"kind":"Field","name":{"kind":"Name","value":"disabled"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<UsersQuery, UsersQueryVariables>;
export const CreateUserDocument = {"__meta__":{"hash":"b18596611a7cb1f8730b4897b8a7b0c1057f95927d21c7c1930a9f23e78b7e61"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateUser"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateUserInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createUser"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"scopes"}},{"kind":"Field","name":{"kind":"Name","value":"disabled"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<CreateUserMutation, CreateUserMutationVariables>;
export const SetUserScopesDocument = {"__meta__":{"hash":"000718eba45f22d2d4f2b9bc993cd9a69e983ee6b7dc6091c05f6e329c63a70b"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetUserScopes"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"scopes"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setUserScopes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}},{"kind":"Argument","name":{"kind":"Name","value":"scopes"},"value":{"kind":"Variable","name":{"kind":"Name","value":"scopes"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"scopes"}},{"kind":"Field","name":{"kind":"Name","value":"disabled"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<SetUserScopesMutation, SetUserScopesMutationVariables>;
export const DisableUserDocument = {"__meta__":{"hash":"f7977c6d878efbe58e04c0d009ca3b9ca8e5b74731a2b45435ee06d838191ab9"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DisableUser"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"disableUser"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"scopes"}},{"kind":"Field","name":{"kind":"Name","value":"disabled"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<DisableUserMutation, DisableUserMutationVariables>;
export const EnableUserDocument = {"__meta__":{"hash":"5e6cf05aa6c33ceda1b66d311459a51eff084e9d3a238f28d091356228e1183c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"EnableUser"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"userId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"enableUser"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"userId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"userId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"UserFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"UserFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"User"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"scopes"}},{"kind":"Field","name":{"kind":"Name","value":"disabled"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<EnableUserMutation, EnableUserMutationVariables>;
export const UserSessionsDocument = {"__meta__":{"hash":"ea658d09d94674020c63878e14be5f11f339dbd0253529aa591f65934a55e21d"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UserSessions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"sessions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"current"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}},{"kind":"Field","name":{"kind":"Name","value":"deviceLabel"}},{"kind":"Field","name":{"kind":"Name","value":"ipAddress"}}]}}]}}]}}]} as unknown as DocumentNode<UserSessionsQuery, UserSessionsQueryVariables>;
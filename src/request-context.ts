import { type GraphQLResolveInfo } from 'graphql';
import { type AuthenticatedIdentity, type Identity } from './auth/identity';
import { type VerificationObserver } from './auth/token-verifier';
import { AppError, AuthError } from './errors';

/** Where the request came from: sessions record it and login throttling counts by it. */
export interface ClientInfo {
  readonly ip: string;
  readonly userAgent: string | undefined;
}

/**
 * The GraphQL context: who is calling and from where. The transport builds it (src/server/context.ts);
 * services reach resolvers through their constructors, and what a caller may do is the permission map's
 * business.
 */
export interface RequestContext {
  readonly identity: Identity;
  readonly client: ClientInfo;
  /** The request id: in every log line of the request and in errors a user may report. */
  readonly requestId: string;
  /** performance.now() when the context was made: the request log's duration starts here. */
  readonly startedAt: number;
  /** The request's trace when tracing records it (HTTP only): decisions and the outcome go on it. */
  readonly trace?: RequestTrace | undefined;
}

/**
 * One request that tracing records (observability/tracing.ts), handed along explicitly (in the GraphQL
 * context, to the token check) rather than looked up from an async context that every promise of the
 * process would pay for.
 */
export interface RequestTrace extends VerificationObserver {
  /** For log lines: a trace leads to its log and back. */
  readonly traceId: string;
  /** Records a permission-map decision on the request's span, as an event. */
  recordDecision(info: Pick<GraphQLResolveInfo, 'parentType' | 'fieldName'>, allowed: boolean): void;
  /** Names the request's span by its operation and records its outcome and the caller's subject. */
  annotate(details: {
    operationName: string | null;
    operationType: string | undefined;
    outcome: string;
    subject: string | undefined;
  }): void;
}

/**
 * The caller's identity in a resolver the permission map already guards. Throwing here keeps a resolver
 * safe if the map is ever wrong (defence in depth), so it should never fire.
 * @throws AuthError AUTHENTICATION_REQUIRED for an anonymous caller
 */
export function requireIdentity({ identity }: RequestContext): AuthenticatedIdentity {
  if (!identity.authenticated) throw new AuthError('AUTHENTICATION_REQUIRED');
  return identity;
}

/** An identity this API issued: its subject is one of this API's own accounts, or a service it minted for. */
export type LocalIdentity = AuthenticatedIdentity & { readonly local: true };

/**
 * The caller's identity, for operations on this API's own accounts (sessions, passwords, administration,
 * minting). A trusted issuer's subject is its own namespace: one equal to a local user's id is not that user.
 * @throws AuthError AUTHENTICATION_REQUIRED for an anonymous caller
 * @throws AppError LOCAL_ACCOUNT_REQUIRED for a token from another issuer
 */
export function requireLocalIdentity(context: RequestContext): LocalIdentity {
  const identity = requireIdentity(context);
  if (!identity.local) throw new AppError('LOCAL_ACCOUNT_REQUIRED');
  return identity as LocalIdentity;
}

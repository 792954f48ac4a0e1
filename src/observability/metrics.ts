import { type DocumentNode } from 'graphql';
import { type Pool } from 'pg';
import { type AuthFailureReason } from '../errors';
import { type ClientIdentity } from './client-awareness';

export type RequestOutcome = 'ok' | 'partial' | 'error';

/**
 * What the application reports as it runs. Parts take it as a dependency and call it unconditionally; with
 * metrics off they get {@link NO_METRICS}, whose methods do nothing.
 */
export interface Metrics {
  /** The operations of these documents (the trusted ones) get a series of their own, by name. */
  nameOperations(documents: Iterable<DocumentNode>): void;
  /**
   * A GraphQL request answered; `operation` is null for an anonymous or unparsable operation, `client` is
   * what its client headers say.
   */
  graphqlRequest(
    operation: string | null,
    client: ClientIdentity,
    outcome: RequestOutcome,
    seconds: number,
  ): void;
  authFailure(reason: AuthFailureReason): void;
  /** The permission map refused `field` (`Type.field`) to the caller. */
  accessDenied(field: string): void;
  tokenCacheLookup(hit: boolean): void;
  login(outcome: 'succeeded' | 'failed' | 'throttled'): void;
  refreshTokenReuse(): void;
  databaseError(): void;
  /** `issuer` is a configured trusted issuer, never one a token names. */
  jwksFetch(issuer: string, outcome: 'ok' | 'error'): void;
  /** Report the PostgreSQL pool's use at each scrape. */
  watchPool(pool: Pool): void;
  /** Report, at each scrape, the open WebSockets and the subscriptions they run (started, not refused). */
  watchSubscriptions(read: () => { readonly sockets: number; readonly subscriptions: number }): void;
}

const nothing = () => undefined;
export const NO_METRICS: Metrics = {
  nameOperations: nothing,
  graphqlRequest: nothing,
  authFailure: nothing,
  accessDenied: nothing,
  tokenCacheLookup: nothing,
  login: nothing,
  refreshTokenReuse: nothing,
  databaseError: nothing,
  jwksFetch: nothing,
  watchPool: nothing,
  watchSubscriptions: nothing,
};

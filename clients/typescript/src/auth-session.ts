import { RefreshTokenDocument } from './generated/graphql.js';

/** What a login, a refresh or a password change hands the client. */
export interface Tokens {
  readonly accessToken: string;
  readonly refreshToken: string;
}

/**
 * Where the tokens live between requests: memory by default; an app may keep them in secure storage (the
 * refresh token outlives the page or the process). Any method may be asynchronous.
 */
export interface TokenStorage {
  load(): Tokens | undefined | Promise<Tokens | undefined>;
  save(tokens: Tokens): void | Promise<void>;
  clear(): void | Promise<void>;
}

export function memoryTokenStorage(initial?: Tokens): TokenStorage {
  let tokens = initial;
  return {
    load: () => tokens,
    save: (next) => {
      tokens = next;
    },
    clear: () => {
      tokens = undefined;
    },
  };
}

/**
 * Why the session ended: the API refused the refresh token (`REFRESH_TOKEN_INVALID`: expired, logged out,
 * revoked; `REFRESH_TOKEN_REUSED`: presented twice, so the whole session was ended as stolen), there was
 * none to refresh with, or the app signed out itself.
 */
export type SignOutReason =
  'REFRESH_TOKEN_INVALID' | 'REFRESH_TOKEN_REUSED' | 'NO_REFRESH_TOKEN' | 'SIGNED_OUT';

/**
 * The app's name and version, as Apollo's SDKs send them (`apollographql-client-name`/`-version`): the API
 * labels its metrics with them and reports them to GraphOS. Nothing is decided by them.
 */
export interface ClientAwareness {
  readonly name: string;
  readonly version?: string;
}

/** The headers that carry `client`, none without it. */
export function clientAwarenessHeaders(client: ClientAwareness | undefined): Record<string, string> {
  if (!client) return {};
  return {
    'apollographql-client-name': client.name,
    ...(client.version !== undefined && { 'apollographql-client-version': client.version }),
  };
}

export interface AuthSessionOptions {
  /** The GraphQL endpoint, where the refresh mutation is sent. */
  readonly url: string;
  readonly storage?: TokenStorage;
  /** Called once when the session ends: send the user to the login screen. */
  readonly onSignOut?: (reason: SignOutReason) => void;
  readonly fetch?: typeof fetch;
  /**
   * Sent with the session's refreshes and by `createAuthFetch`; give Apollo Client the same as its
   * `clientAwareness` option.
   */
  readonly client?: ClientAwareness;
}

/** Thrown when a refresh could not be tried (network, 5xx): the session is kept, the request failed. */
export class RefreshFailedError extends Error {
  constructor(readonly status: number | undefined) {
    super(
      status === undefined
        ? 'The token refresh did not reach the API.'
        : `The token refresh failed (${status}).`,
    );
    this.name = 'RefreshFailedError';
  }
}

/**
 * The refresh, by the id of the generated RefreshToken document (what a server with TRUSTED_DOCUMENTS=only
 * requires) and with a text of its own for a server that does not look ids up.
 */
const REFRESH = {
  operationName: 'RefreshToken',
  documentId: (RefreshTokenDocument as { __meta__?: { hash?: string } }).__meta__?.hash,
  query:
    'mutation RefreshToken($refreshToken: String!) { refreshToken(refreshToken: $refreshToken) { accessToken refreshToken } }',
};

interface GraphQLBody {
  data?: { refreshToken?: Tokens | null } | null;
  errors?: ReadonlyArray<{ extensions?: { code?: unknown; reason?: unknown } }>;
}

/**
 * The error code or UNAUTHENTICATED reason of a GraphQL response body, whatever the transport made of it.
 * @returns e.g. `TOKEN_EXPIRED`, `REFRESH_TOKEN_REUSED`; undefined when it carries none
 */
export function errorReason(body: unknown): string | undefined {
  const errors = (body as GraphQLBody | undefined)?.errors;
  const first: { extensions?: { code?: unknown; reason?: unknown } } | undefined = Array.isArray(errors)
    ? (errors as GraphQLBody['errors'] & object)[0]
    : undefined;
  const extensions = first?.extensions;
  const reason = extensions?.code === 'UNAUTHENTICATED' ? extensions.reason : extensions?.code;
  return typeof reason === 'string' ? reason : undefined;
}

/**
 * The client's side of a login session: the current access token for each request, and one refresh when it
 * has expired, however many requests found out at once. Requests that fail together wait for the same
 * refresh; a request that fails with a token already replaced just uses the new one. A refused refresh
 * ends the session (storage cleared, `onSignOut` called); a refresh that could not be tried keeps it.
 */
export class AuthSession {
  private readonly storage: TokenStorage;
  private readonly fetch: typeof fetch;
  private refreshing: Promise<string | undefined> | undefined;

  constructor(private readonly options: AuthSessionOptions) {
    this.storage = options.storage ?? memoryTokenStorage();
    // Bound: a browser's fetch throws "Illegal invocation" when called as another object's method.
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** The app's name and version, as given. */
  get client(): ClientAwareness | undefined {
    return this.options.client;
  }

  /** Keeps what `login`, `refreshToken` or `changePassword` returned. */
  async signIn(tokens: Tokens): Promise<void> {
    await this.storage.save({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
  }

  async accessToken(): Promise<string | undefined> {
    return (await this.storage.load())?.accessToken;
  }

  /** Forgets the tokens (call the `logout` mutation first to end the session on the API too). */
  async signOut(reason: SignOutReason = 'SIGNED_OUT'): Promise<void> {
    await this.storage.clear();
    this.options.onSignOut?.(reason);
  }

  /**
   * A fresh access token after `expired` was refused as expired.
   * @returns the new token, or undefined when the session has ended
   * @throws RefreshFailedError when the API could not be asked
   */
  refresh(expired: string): Promise<string | undefined> {
    this.refreshing ??= this.refreshOnce(expired).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async refreshOnce(expired: string): Promise<string | undefined> {
    const current = await this.storage.load();
    // Another request refreshed after this one was sent: its token is the answer.
    if (current && current.accessToken !== expired) return current.accessToken;
    if (!current) {
      await this.signOut('NO_REFRESH_TOKEN');
      return undefined;
    }
    let response: Response;
    try {
      response = await this.fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...clientAwarenessHeaders(this.options.client),
        },
        body: JSON.stringify({ ...REFRESH, variables: { refreshToken: current.refreshToken } }),
      });
    } catch {
      throw new RefreshFailedError(undefined);
    }
    const body = (await response.json().catch(() => undefined)) as GraphQLBody | undefined;
    const tokens = body?.data?.refreshToken;
    if (tokens) {
      await this.signIn(tokens);
      return tokens.accessToken;
    }
    const reason = errorReason(body);
    if (reason === 'REFRESH_TOKEN_INVALID' || reason === 'REFRESH_TOKEN_REUSED') {
      await this.signOut(reason);
      return undefined;
    }
    throw new RefreshFailedError(response.status);
  }
}

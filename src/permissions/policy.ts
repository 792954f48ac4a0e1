/*
 * What a field requires, as data: the permission map (permission-map.ts) gives one Policy to each root field
 * and to each field of a type that is not open. decide.ts is the one function that applies a policy to a
 * caller; graphql-shield (rules.ts) calls it over HTTP, the subscription gate (src/realtime/) over
 * WebSocket, and the `permissions` query, the SDL and the access matrix publish the same data.
 */

/** A field anyone may use, with or without a token. */
export interface PublicPolicy {
  readonly kind: 'public';
}

/**
 * Who counts as the owner of what a field touches, when ownership is an alternative to the scopes:
 * - `argument`: the field's argument is the caller's own account id (`user(id:)`);
 * - `resource`: the argument is the id of a resource whose owner the module's lookup names (`note(id:)`);
 * - `parent`: an object field, whose parent object names its owner in a property (`Note.body`).
 * Only this API's own identities can own anything: a trusted issuer's subject is its own namespace.
 */
export type OwnerRule =
  | { readonly kind: 'argument'; readonly argument: string }
  | { readonly kind: 'resource'; readonly resource: string; readonly argument: string }
  | { readonly kind: 'parent'; readonly property: string };

/**
 * Which identities qualify at all:
 * - `any`: any verified token, this API's or a trusted issuer's;
 * - `local`: a token this API issued (its subject is one of its own accounts or services);
 * - `live`: a local token whose account exists and is active now, and still holds the scopes that let the
 *   caller in (read from the database, once per request): a demoted or disabled administrator's token,
 *   or a service token minted with `admin`, administers nothing.
 */
export type AccountRequirement = 'any' | 'local' | 'live';

export interface GuardedPolicy {
  readonly kind: 'guarded';
  /**
   * Any one of these sets lets the caller in when the token grants every scope of it (OR of ANDs, the shape
   * of Federation's `@requiresScopes`). `[[]]`: any token. `[]`: scopes alone never do (owner only).
   */
  readonly anyOf: ReadonlyArray<readonly string[]>;
  /** The alternative to the scopes, when there is one. */
  readonly owner: OwnerRule | undefined;
  readonly account: AccountRequirement;
}

export type Policy = PublicPolicy | GuardedPolicy;

export const PUBLIC: PublicPolicy = Object.freeze({ kind: 'public' });

export interface PolicyOptions {
  readonly owner?: OwnerRule;
  readonly account?: AccountRequirement;
}

function guarded(anyOf: ReadonlyArray<readonly string[]>, options: PolicyOptions): GuardedPolicy {
  if (options.owner && anyOf.some((set) => set.length === 0)) {
    throw new Error('a policy open to any token needs no owner alternative');
  }
  return Object.freeze({
    kind: 'guarded',
    anyOf: Object.freeze(anyOf.map((set) => Object.freeze([...new Set(set)]))),
    owner: options.owner && Object.freeze({ ...options.owner }),
    account: options.account ?? 'any',
  });
}

/** Any verified token (of this API alone with `account: 'local'` or `'live'`). */
export function authenticated(options: Omit<PolicyOptions, 'owner'> = {}): GuardedPolicy {
  return guarded([[]], options);
}

/**
 * A token granting every scope of at least one set of `anyOf`, or, with `owner`, the owner of what the
 * field touches: `requires({ anyOf: [['users:read']], owner: owner.argument('id'), account: 'live' })`.
 */
export function requires(
  options: PolicyOptions & { readonly anyOf: ReadonlyArray<readonly string[]> },
): GuardedPolicy {
  if (options.anyOf.length === 0 || options.anyOf.some((set) => set.length === 0)) {
    throw new Error(
      'requires() takes non-empty scope sets: authenticated() is any token, ownerOnly() no scopes',
    );
  }
  return guarded(options.anyOf, options);
}

/** Only the owner (see {@link OwnerRule}); nobody else, whatever their scopes. */
export function ownerOnly(owner: OwnerRule, options: Omit<PolicyOptions, 'owner'> = {}): GuardedPolicy {
  return guarded([], { ...options, owner });
}

/** The owner alternatives, by where the owner is found. */
export const owner = Object.freeze({
  /** The field's `argument` is the caller's own account id. */
  argument: (argument: string): OwnerRule => ({ kind: 'argument', argument }),
  /** The field's `argument` is the id of a `resource` whose owner a registered lookup names. */
  resource: (resource: string, argument: string): OwnerRule => ({ kind: 'resource', resource, argument }),
  /** The parent object's `property` holds its owner's account id (object fields). */
  parent: (property: string): OwnerRule => ({ kind: 'parent', property }),
});

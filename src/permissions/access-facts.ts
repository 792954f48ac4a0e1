import { type AuthenticatedIdentity } from '../auth/identity';
import { ForbiddenError } from '../errors';
import { type RequestContext, requireLocalIdentity } from '../request-context';
import { type AccessFacts, type AccessRequest, type AccountState } from './decide';
import { expandScopes, type ScopeClosure } from '../scopes/hierarchy';

/** An account as the database has it: whether it may act, and the scopes granted to it. */
export interface AccountRecord {
  readonly disabledAt: Date | null;
  readonly scopes: readonly string[];
}

/** Maps a resource id to the id of the account that owns it; undefined when there is no such resource. */
export type OwnerLookup = (id: string) => Promise<string | undefined>;

/** The caller of a field a `live` policy let in, as the database vouched for it. */
export interface LiveActor {
  readonly userId: string;
  /** The scopes both its token and its account grant now: all it may grant to others. */
  readonly grantableScopes: readonly string[];
}

/** What administrative resolvers ask of the live-account check that let their caller in. */
export type LiveActors = Pick<DatabaseAccessFacts, 'liveActor'>;

/**
 * {@link AccessFacts} over the database: the caller's account read at most once per request, whatever
 * number of fields (or batched operations) ask, and the owner lookups the domain modules registered.
 */
export class DatabaseAccessFacts implements AccessFacts {
  private readonly accounts = new WeakMap<object, Promise<AccountState | undefined>>();

  constructor(
    private readonly findAccount: (userId: string) => Promise<AccountRecord | undefined>,
    private readonly owners: ReadonlyMap<string, OwnerLookup>,
    private readonly scopeClosure: ScopeClosure,
  ) {}

  account(request: Pick<AccessRequest, 'context'> & { readonly identity: AuthenticatedIdentity }) {
    let known = this.accounts.get(request.context);
    if (!known) {
      known = this.findAccount(request.identity.subject).then(
        (account) =>
          account && {
            active: account.disabledAt === null,
            grantedScopes: expandScopes(account.scopes, this.scopeClosure),
          },
      );
      this.accounts.set(request.context, known);
    }
    return known;
  }

  owner(resource: string, id: string): Promise<string | undefined> {
    const lookup = this.owners.get(resource);
    // The map and the lookups are checked against each other at startup (src/modules/): never reached.
    if (!lookup) throw new Error(`no owner lookup is registered for ${resource}`);
    return lookup(id);
  }

  /**
   * The caller of a field whose `live` policy let it in, for the grant rules of its resolver: read from
   * what the policy already read for this request. Throwing here keeps a resolver safe if the map is ever
   * wrong (defence in depth), so it should never fire.
   * @throws AppError LOCAL_ACCOUNT_REQUIRED, ForbiddenError ACCOUNT_INACTIVE
   */
  async liveActor(context: RequestContext): Promise<LiveActor> {
    const identity = requireLocalIdentity(context);
    const account = await this.account({ identity, context });
    if (!account?.active) {
      throw new ForbiddenError(
        "This needs an active account of this API: the caller's is disabled or does not exist.",
        [],
        [],
        'ACCOUNT_INACTIVE',
      );
    }
    const grantableScopes = [...identity.grantedScopes].filter((scope) => account.grantedScopes.has(scope));
    return { userId: identity.subject, grantableScopes: grantableScopes.sort() };
  }
}

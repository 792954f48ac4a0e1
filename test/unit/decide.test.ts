import { ANONYMOUS, type AuthenticatedIdentity } from '../../src/auth/identity';
import { AppError, AuthError, ForbiddenError, ServiceUnavailableError } from '../../src/errors';
import { DatabaseAccessFacts } from '../../src/permissions/access-facts';
import { type AccessFacts, type AccountState, decide, NOT_EXPOSED } from '../../src/permissions/decide';
import { authenticated, owner, ownerOnly, PUBLIC, requires } from '../../src/permissions/policy';
import { closeHierarchy } from '../../src/scopes/hierarchy';
import { BUILT_IN_HIERARCHY } from '../../src/scopes/vocabulary';
import { testIdentity } from '../fixtures/identity';

const caller = (granted: string[], overrides: Partial<AuthenticatedIdentity> = {}) =>
  testIdentity(granted, overrides);

/** Facts from fixed answers, counting what was read. */
function facts(account: AccountState | undefined, owners: Record<string, string> = {}) {
  const reads = { account: 0, owner: 0 };
  const source: AccessFacts = {
    account: async () => {
      reads.account += 1;
      return account;
    },
    owner: async (_resource, id) => {
      reads.owner += 1;
      return owners[id];
    },
  };
  return { source, reads };
}

const active = (...scopes: string[]): AccountState => ({ active: true, grantedScopes: new Set(scopes) });
const request = (
  identity: AuthenticatedIdentity | typeof ANONYMOUS,
  args?: Record<string, unknown>,
  parent?: unknown,
) => ({
  identity,
  args,
  parent,
  context: {},
});

const codeOf = (decision: AppError | undefined) =>
  decision && {
    code: decision.code,
    ...(decision instanceof ForbiddenError || decision instanceof AuthError ? decision.extensions : {}),
  };

describe('decide: a policy applied to a caller', () => {
  const none = facts(undefined);
  const live = requires({ anyOf: [['users:read']], account: 'live' });

  it('refuses a field nobody declared, and lets anyone use a public one', () => {
    expect(decide(undefined, request(caller(['admin'])), none.source)).toBe(NOT_EXPOSED);
    expect(decide(PUBLIC, request(ANONYMOUS), none.source)).toBeUndefined();
  });

  it('decides from the token alone, synchronously, when no database fact is needed', () => {
    expect(decide(authenticated(), request(caller([])), none.source)).toBeUndefined();
    expect(codeOf(decide(authenticated(), request(ANONYMOUS), none.source) as AppError)).toEqual({
      code: 'UNAUTHENTICATED',
      reason: 'AUTHENTICATION_REQUIRED',
    });
    expect(decide(requires({ anyOf: [['a']] }), request(caller(['a'])), none.source)).toBeUndefined();
    expect(none.reads).toEqual({ account: 0, owner: 0 });
  });

  it('lets in any one of several scope sets, and names the closest one when none is met', () => {
    const policy = requires({
      anyOf: [
        ['a', 'b', 'c'],
        ['d', 'e'],
      ],
    });
    expect(decide(policy, request(caller(['d', 'e'])), none.source)).toBeUndefined();
    expect(decide(policy, request(caller(['a', 'b', 'c'])), none.source)).toBeUndefined();
    const refused = decide(policy, request(caller(['a', 'b', 'd'])), none.source) as ForbiddenError;
    expect(codeOf(refused)).toEqual({
      code: 'FORBIDDEN',
      reason: 'SCOPE_MISSING',
      requiredScopes: ['a', 'b', 'c'],
      missingScopes: ['c'],
    });
    expect(refused.message).toBe('Missing required scopes: a and b and c; or d and e.');
  });

  it("refuses another issuer's token where this API's account is required", () => {
    const foreign = caller(['admin', 'users:read'], { local: false, issuer: 'https://idp.example' });
    expect((decide(live, request(foreign), none.source) as AppError).code).toBe('LOCAL_ACCOUNT_REQUIRED');
    expect(
      (decide(authenticated({ account: 'local' }), request(foreign), none.source) as AppError).code,
    ).toBe('LOCAL_ACCOUNT_REQUIRED');
    expect(decide(authenticated(), request(foreign), none.source)).toBeUndefined();
  });

  it('reads the live account once the token qualifies, and refuses one that is gone, disabled or demoted', async () => {
    const admin = caller(['users:read']);
    expect(await decide(live, request(admin), facts(active('users:read')).source)).toBeUndefined();
    for (const account of [undefined, { active: false, grantedScopes: new Set(['users:read']) }]) {
      expect(codeOf(await decide(live, request(admin), facts(account).source))).toEqual({
        code: 'FORBIDDEN',
        reason: 'ACCOUNT_INACTIVE',
        requiredScopes: ['users:read'],
        missingScopes: ['users:read'],
      });
    }
    expect(codeOf(await decide(live, request(admin), facts(active('audit:read')).source))).toEqual({
      code: 'FORBIDDEN',
      reason: 'ACCOUNT_SCOPE_MISSING',
      requiredScopes: ['users:read'],
      missingScopes: ['users:read'],
    });
    // A token without the scope is refused before anything is read.
    const unread = facts(active('users:read'));
    expect(codeOf(await decide(live, request(caller([])), unread.source))).toMatchObject({
      reason: 'SCOPE_MISSING',
    });
    expect(unread.reads.account).toBe(0);
  });

  it('needs the scope in both the token and the account: a scope the token never had is not granted by the account', async () => {
    const policy = requires({ anyOf: [['users:read'], ['audit:read']], account: 'live' });
    expect(
      await decide(policy, request(caller(['users:read'])), facts(active('audit:read')).source),
    ).toMatchObject({
      reason: 'ACCOUNT_SCOPE_MISSING',
    });
  });

  describe('owner rules', () => {
    const byArgument = requires({ anyOf: [['users:read']], owner: owner.argument('id'), account: 'live' });

    it('lets the owner in by an argument, without any scope', async () => {
      expect(
        await decide(byArgument, request(caller([]), { id: 'u-1' }), facts(active()).source),
      ).toBeUndefined();
    });

    it('refuses anyone else as NOT_OWNER, whatever the id, and reads nothing to say so', async () => {
      const unread = facts(active());
      for (const id of ['u-2', 'no-such-user', 42, undefined]) {
        const refused = await decide(byArgument, request(caller([]), { id }), unread.source);
        expect(codeOf(refused)).toEqual({
          code: 'FORBIDDEN',
          reason: 'NOT_OWNER',
          requiredScopes: ['users:read'],
          missingScopes: ['users:read'],
        });
        expect(refused!.message).toBe('Only the owner, or a caller granted users:read, may use this field.');
      }
      expect(unread.reads.owner).toBe(0);
    });

    it("never counts another issuer's subject as the local account with the same id", async () => {
      const foreign = caller([], { local: false });
      expect(
        await decide(
          requires({ anyOf: [['x']], owner: owner.argument('id') }),
          request(foreign, { id: 'u-1' }),
          none.source,
        ),
      ).toMatchObject({ reason: 'NOT_OWNER' });
    });

    it('refuses the owner whose live account is disabled', async () => {
      const disabled = facts({ active: false, grantedScopes: new Set() });
      expect(
        codeOf(await decide(byArgument, request(caller([]), { id: 'u-1' }), disabled.source)),
      ).toMatchObject({
        reason: 'ACCOUNT_INACTIVE',
      });
    });

    it("looks a resource's owner up, only when the scopes do not already let the caller in", async () => {
      const policy = requires({ anyOf: [['notes:admin']], owner: owner.resource('Note', 'id') });
      const lookups = facts(undefined, { n1: 'u-1', n2: 'u-2' });
      expect(await decide(policy, request(caller([]), { id: 'n1' }), lookups.source)).toBeUndefined();
      expect(await decide(policy, request(caller([]), { id: 'n2' }), lookups.source)).toMatchObject({
        reason: 'NOT_OWNER',
      });
      expect(await decide(policy, request(caller([]), { id: 'missing' }), lookups.source)).toMatchObject({
        reason: 'NOT_OWNER',
      });
      expect(lookups.reads.owner).toBe(3);
      expect(decide(policy, request(caller(['notes:admin']), { id: 'n2' }), lookups.source)).toBeUndefined();
      expect(lookups.reads.owner).toBe(3);
    });

    it('reads the owner of an object field from its parent', async () => {
      const policy = ownerOnly(owner.parent('ownerId'));
      expect(await decide(policy, request(caller([]), {}, { ownerId: 'u-1' }), none.source)).toBeUndefined();
      const refused = await decide(policy, request(caller(['admin']), {}, { ownerId: 'u-2' }), none.source);
      expect(refused?.message).toBe('Only the owner may use this field.');
    });
  });
});

describe('the database facts', () => {
  const closure = closeHierarchy(BUILT_IN_HIERARCHY);

  it("read the caller's account once per request, however many fields ask, and expand its scopes", async () => {
    let reads = 0;
    const access = new DatabaseAccessFacts(
      async () => {
        reads += 1;
        return { disabledAt: null, scopes: ['admin'] };
      },
      new Map(),
      closure,
    );
    const identity = caller(['admin', 'users:read', 'users:write']);
    const context = {};
    const states = await Promise.all([1, 2, 3].map(() => access.account({ identity, context })));
    expect(reads).toBe(1);
    expect(states[0]!.grantedScopes.has('users:write')).toBe(true);
    await access.account({ identity, context: {} });
    expect(reads).toBe(2);
  });

  it('give a resolver its live actor: what both the token and the account grant', async () => {
    const access = new DatabaseAccessFacts(
      async () => ({ disabledAt: null, scopes: ['users:write'] }),
      new Map(),
      closure,
    );
    const context = {
      identity: caller(['admin', 'users:read', 'users:write']),
      client: { ip: '', userAgent: undefined },
      requestId: '',
      startedAt: 0,
    };
    expect(await access.liveActor(context)).toEqual({ userId: 'u-1', grantableScopes: ['users:write'] });
    const disabled = new DatabaseAccessFacts(
      async () => ({ disabledAt: new Date(), scopes: [] }),
      new Map(),
      closure,
    );
    await expect(disabled.liveActor(context)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      reason: 'ACCOUNT_INACTIVE',
    });
  });

  it('pass a database failure on as it is, for the transport to answer SERVICE_UNAVAILABLE', async () => {
    const failure = new ServiceUnavailableError(new Error('connection refused'));
    const access = new DatabaseAccessFacts(async () => Promise.reject(failure), new Map(), closure);
    await expect(
      decide(requires({ anyOf: [['users:read']], account: 'live' }), request(caller(['users:read'])), access),
    ).rejects.toBe(failure);
  });
});

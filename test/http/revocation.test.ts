import {
  AuditEventsDocument,
  ChangePasswordDocument,
  CreateUserDocument,
  DisableUserDocument,
  EnableUserDocument,
  IssueTokenDocument,
  LoginDocument,
  LogoutDocument,
  MeDocument,
  MySessionsDocument,
  RefreshTokenDocument,
  RevokeSessionDocument,
  RevokeAllSessionsDocument,
  RevokeTokenDocument,
  SetUserScopesDocument,
} from '../../clients/typescript/src/index';
import { AUDIT_EVENT_TYPES } from '../../src/audit/audit-trail';
import { describeEngines } from '../helpers/databases';
import { execute, startTestServerOn, type TestServer } from '../helpers/server';

const PASSWORD = 'correct horse battery';
let sequence = 0;
const fresh = (prefix: string) => `${prefix}${(sequence += 1)}`;

// One instance per engine: what a revocation ends, what it leaves alone, and what the audit trail keeps.
// Several instances: test/http/revocation-instances.test.ts.
describeEngines('revocation before exp', (database) => {
  let server: TestServer;
  let root: string;
  let queries = 0;

  const login = async (username: string, password = PASSWORD) => {
    const response = await execute(server.app, LoginDocument, { username, password });
    return response.body.data!.login!;
  };
  const createUser = async (scopes: string[] = []) => {
    const username = fresh('user');
    const created = await execute(
      server.app,
      CreateUserDocument,
      { input: { username, password: PASSWORD, scopes } },
      { token: root },
    );
    return created.body.data!.createUser!;
  };
  const reasonFor = async (token: string) => {
    const response = await execute(server.app, MeDocument, {}, { token });
    return response.status === 200 ? 'ok' : response.body.errors?.[0]?.extensions?.reason;
  };

  beforeAll(async () => {
    server = await startTestServerOn(database, {
      env: { LOGIN_MAX_FAILURES_PER_USERNAME_AND_IP: '3' },
      onQuery: () => (queries += 1),
    });
    await server.services.users.createUser(
      { username: 'root', password: PASSWORD, scopes: ['admin', 'reports', 'extra'] },
      {},
    );
    root = (await login('root')).accessToken;
  });
  afterAll(() => server.close());

  it('logout ends that session only: its access token is refused, another session of the user is not', async () => {
    const user = await createUser();
    const [laptop, phone] = [await login(user.username), await login(user.username)];
    await execute(
      server.app,
      LogoutDocument,
      { refreshToken: laptop.refreshToken },
      { token: laptop.accessToken },
    );
    expect(await reasonFor(laptop.accessToken)).toBe('TOKEN_REVOKED');
    expect(await reasonFor(phone.accessToken)).toBe('ok');
    const refused = await execute(server.app, MeDocument, {}, { token: laptop.accessToken });
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe(
      'Bearer realm="graphql-jwt-api", error="invalid_token", error_description="The access token has been revoked: sign in again."',
    );
  });

  it('revokeAllSessions ends every token of the user; a login after it works', async () => {
    const user = await createUser();
    const [one, two] = [await login(user.username), await login(user.username)];
    await execute(server.app, RevokeAllSessionsDocument, {}, { token: one.accessToken });
    expect([await reasonFor(one.accessToken), await reasonFor(two.accessToken)]).toEqual([
      'TOKEN_REVOKED',
      'TOKEN_REVOKED',
    ]);
    expect(await reasonFor((await login(user.username)).accessToken)).toBe('ok');
  });

  it("changePassword ends every other token, and the new session's works at once", async () => {
    const user = await createUser();
    const [one, two] = [await login(user.username), await login(user.username)];
    const changed = await execute(
      server.app,
      ChangePasswordDocument,
      { currentPassword: PASSWORD, newPassword: 'another long passphrase' },
      { token: one.accessToken },
    );
    const renewed = changed.body.data!.changePassword!;
    expect([await reasonFor(one.accessToken), await reasonFor(two.accessToken)]).toEqual([
      'TOKEN_REVOKED',
      'TOKEN_REVOKED',
    ]);
    expect(await reasonFor(renewed.accessToken)).toBe('ok');
  });

  it('setUserScopes that removes a scope ends the tokens still claiming it; adding one ends nothing', async () => {
    const user = await createUser(['reports']);
    const before = await login(user.username);
    await execute(
      server.app,
      SetUserScopesDocument,
      { userId: user.id, scopes: ['reports', 'extra'] },
      { token: root },
    );
    expect(await reasonFor(before.accessToken)).toBe('ok');
    await execute(server.app, SetUserScopesDocument, { userId: user.id, scopes: [] }, { token: root });
    expect(await reasonFor(before.accessToken)).toBe('TOKEN_REVOKED');
    expect(await reasonFor((await login(user.username)).accessToken)).toBe('ok');
  });

  it('disableUser ends the tokens of the user and every token it minted', async () => {
    const admin = await createUser(['admin']);
    const session = await login(admin.username);
    const minted = await execute(
      server.app,
      IssueTokenDocument,
      { input: { subject: 'report-service', username: 'reports', scopes: [] } },
      { token: session.accessToken },
    );
    const serviceToken = minted.body.data!.issueToken!.accessToken;
    expect(await reasonFor(serviceToken)).toBe('ok');
    await execute(server.app, DisableUserDocument, { userId: admin.id }, { token: root });
    expect([await reasonFor(session.accessToken), await reasonFor(serviceToken)]).toEqual([
      'TOKEN_REVOKED',
      'TOKEN_REVOKED',
    ]);
  });

  it('refresh-token reuse ends the whole session, including the access token of the rotation', async () => {
    const user = await createUser();
    const first = await login(user.username);
    const rotated = (await execute(server.app, RefreshTokenDocument, { refreshToken: first.refreshToken }))
      .body.data!.refreshToken!;
    await new Promise((resolve) => setTimeout(resolve, 2100)); // past REFRESH_REUSE_GRACE
    const reused = await execute(server.app, RefreshTokenDocument, { refreshToken: first.refreshToken });
    expect(reused.body.errors?.[0]?.extensions?.code).toBe('REFRESH_TOKEN_REUSED');
    expect([await reasonFor(first.accessToken), await reasonFor(rotated.accessToken)]).toEqual([
      'TOKEN_REVOKED',
      'TOKEN_REVOKED',
    ]);
  });

  it('revokeToken ends one minted token and no other; it is admin-only', async () => {
    const mint = async () =>
      (
        await execute(
          server.app,
          IssueTokenDocument,
          { input: { subject: 'svc', username: 'svc', scopes: [] } },
          { token: root },
        )
      ).body.data!.issueToken!;
    const [doomed, kept] = [await mint(), await mint()];
    const user = await createUser();
    const plain = await login(user.username);
    const denied = await execute(
      server.app,
      RevokeTokenDocument,
      { tokenId: doomed.tokenId },
      { token: plain.accessToken },
    );
    expect([denied.status, denied.body.errors?.[0]?.extensions?.code]).toEqual([403, 'FORBIDDEN']);
    const revoked = await execute(
      server.app,
      RevokeTokenDocument,
      { tokenId: doomed.tokenId },
      { token: root },
    );
    expect(revoked.body.data?.revokeToken).toBe(true);
    expect([await reasonFor(doomed.accessToken), await reasonFor(kept.accessToken)]).toEqual([
      'TOKEN_REVOKED',
      'ok',
    ]);
    const tooLong = await execute(
      server.app,
      RevokeTokenDocument,
      { tokenId: 'x'.repeat(500) },
      { token: root },
    );
    expect(tooLong.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tokenId' });
  });

  it('keeps the request path free of the database: me, valid or revoked, runs no query', async () => {
    const user = await createUser();
    const [kept, ended] = [await login(user.username), await login(user.username)];
    await execute(
      server.app,
      LogoutDocument,
      { refreshToken: ended.refreshToken },
      { token: ended.accessToken },
    );
    queries = 0;
    for (let round = 0; round < 50; round += 1) {
      expect(await reasonFor(kept.accessToken)).toBe('ok');
      expect(await reasonFor(ended.accessToken)).toBe('TOKEN_REVOKED');
    }
    expect(queries).toBe(0);
    // The counter counts: one login runs queries.
    await login(user.username);
    expect(queries).toBeGreaterThan(0);
  });

  describe('the audit trail', () => {
    it('records every operation, admin-only, without a password or token in it', async () => {
      const user = await createUser();
      const session = await login(user.username);
      // One session ended from another (session.revoked).
      const spare = await login(user.username);
      const [spareSession] = (
        await execute(server.app, MySessionsDocument, {}, { token: spare.accessToken })
      ).body.data!.me.sessions!.filter((listed) => listed.current);
      await execute(
        server.app,
        RevokeSessionDocument,
        { id: spareSession!.id },
        { token: session.accessToken },
      );
      // The same client refreshing twice within REFRESH_REUSE_GRACE: a retry, recorded.
      const retried = await login(user.username);
      await execute(server.app, RefreshTokenDocument, { refreshToken: retried.refreshToken });
      await execute(server.app, RefreshTokenDocument, { refreshToken: retried.refreshToken });
      await execute(server.app, LoginDocument, { username: user.username, password: 'wrong password here' });
      // Past LOGIN_MAX_FAILURES_PER_USERNAME_AND_IP (3 here) the pair is throttled: the fourth is refused.
      for (let attempt = 0; attempt < 4; attempt += 1) {
        await execute(
          server.app,
          LoginDocument,
          { username: 'nobody', password: 'wrong password here' },
          { ip: '192.0.2.7' },
        );
      }
      const disabled = await createUser();
      await execute(server.app, DisableUserDocument, { userId: disabled.id }, { token: root });
      await execute(server.app, EnableUserDocument, { userId: disabled.id }, { token: root });
      await execute(
        server.app,
        LogoutDocument,
        { refreshToken: session.refreshToken },
        { token: session.accessToken },
      );
      const denied = await execute(
        server.app,
        AuditEventsDocument,
        { first: 10 },
        { token: (await login(user.username)).accessToken },
      );
      expect([denied.status, denied.body.errors?.[0]?.extensions?.code]).toEqual([403, 'FORBIDDEN']);

      const all = [];
      let after: string | null | undefined;
      do {
        const page = await execute(server.app, AuditEventsDocument, { first: 50, after }, { token: root });
        all.push(...page.body.data!.auditEvents.nodes);
        after = page.body.data!.auditEvents.pageInfo.hasNextPage
          ? page.body.data!.auditEvents.pageInfo.endCursor
          : null;
      } while (after);
      const types = new Set(all.map((event) => event.type));
      // Every type of the vocabulary, each from the operation that records it.
      for (const type of AUDIT_EVENT_TYPES) expect(types).toContain(type);
      const mine = await execute(
        server.app,
        AuditEventsDocument,
        { first: 10, filter: { userId: user.id, type: 'login.succeeded' } },
        { token: root },
      );
      // The first login, the spare session's, the retried one's, and the one that asked for the trail.
      expect(mine.body.data!.auditEvents.nodes.map((event) => event.username)).toEqual([
        user.username,
        user.username,
        user.username,
        user.username,
      ]);
      const text = JSON.stringify(all);
      for (const secret of [
        PASSWORD,
        'wrong password here',
        'another long passphrase',
        session.refreshToken,
        session.accessToken,
        root,
      ]) {
        expect(text).not.toContain(secret);
      }
      expect(text).not.toMatch(/eyJ[\w-]+\.eyJ/);
    });

    it('answers an over-long user id and a page size out of range with clear codes', async () => {
      const long = await execute(
        server.app,
        AuditEventsDocument,
        { filter: { userId: 'x'.repeat(100) } },
        { token: root },
      );
      expect(long.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'userId' });
      const none = await execute(server.app, AuditEventsDocument, { first: 0 }, { token: root });
      expect(none.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    });

    it('answers a forged cursor and an unknown type with clear codes', async () => {
      const forged = await execute(
        server.app,
        AuditEventsDocument,
        { after: 'bm90LWEtY3Vyc29y' },
        { token: root },
      );
      expect(forged.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
      const unknown = await execute(
        server.app,
        AuditEventsDocument,
        { filter: { type: 'nope' } },
        { token: root },
      );
      expect(unknown.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'type' });
    });
  });
});

import {
  ChangePasswordDocument,
  CreateUserDocument,
  DisableUserDocument,
  EnableUserDocument,
  LoginDocument,
  LogoutDocument,
  MeDocument,
  RefreshTokenDocument,
  RevokeAllSessionsDocument,
  SetUserScopesDocument,
  UsersDocument,
} from '../../clients/typescript/src/index';
import { manualClock } from '../fixtures/clock';
import { execute, startTestServer, type TestServer } from '../helpers/server';

const ADMIN_PASSWORD = 'admin password 1';
const PASSWORD = 'correct horse battery';

describe('accounts over HTTP', () => {
  const clock = manualClock(Math.floor(Date.now() / 1000));
  let server: TestServer;
  let admin: string;

  const login = async (username: string, password: string, ip?: string) =>
    execute(server.app, LoginDocument, { username, password }, { ...(ip && { ip }) });

  beforeAll(async () => {
    server = await startTestServer({ clock, env: { LOGIN_MAX_FAILURES_PER_USERNAME_AND_IP: '3' } });
    await server.services.users.createUser(
      { username: 'root', password: ADMIN_PASSWORD, scopes: ['admin'] },
      {},
    );
    admin = (await login('root', ADMIN_PASSWORD)).body.data!.login!.accessToken;
  });
  afterAll(() => server.close());

  it('runs the whole session: login → me → refresh → reuse detected → logout → refresh refused', async () => {
    await execute(
      server.app,
      CreateUserDocument,
      { input: { username: 'jane', password: PASSWORD, scopes: [] } },
      { token: admin },
    );

    const first = await login('jane', PASSWORD);
    expect(first.status).toBe(200);
    const session = first.body.data!.login!;
    expect(session).toMatchObject({
      tokenType: 'Bearer',
      viewer: { username: 'jane', greeting: 'Hey jane', scopes: [] },
    });

    const me = await execute(server.app, MeDocument, {}, { token: session.accessToken });
    expect(me.body.data?.me.greeting).toBe('Hey jane');

    const refreshed = await execute(server.app, RefreshTokenDocument, { refreshToken: session.refreshToken });
    const second = refreshed.body.data!.refreshToken!;
    expect(second.refreshToken).not.toBe(session.refreshToken);
    expect((await execute(server.app, MeDocument, {}, { token: second.accessToken })).status).toBe(200);

    clock.advance(30);
    const replay = await execute(server.app, RefreshTokenDocument, { refreshToken: session.refreshToken });
    expect(replay.body.errors?.[0]?.extensions?.code).toBe('REFRESH_TOKEN_REUSED');
    expect(server.logs.join('\n')).toContain('"event":"refresh_token_reused"');
    // The whole family is gone, including the token the legitimate client holds.
    const afterReplay = await execute(server.app, RefreshTokenDocument, {
      refreshToken: second.refreshToken,
    });
    expect(afterReplay.body.errors?.[0]?.extensions?.code).toBe('REFRESH_TOKEN_INVALID');

    const third = (await login('jane', PASSWORD)).body.data!.login!;
    const out = await execute(
      server.app,
      LogoutDocument,
      { refreshToken: third.refreshToken },
      { token: third.accessToken },
    );
    expect(out.body.data?.logout).toBe(true);
    const refused = await execute(server.app, RefreshTokenDocument, { refreshToken: third.refreshToken });
    expect(refused.body.errors?.[0]).toMatchObject({
      message: 'The refresh token is invalid, expired or already used. Log in again.',
      extensions: { code: 'REFRESH_TOKEN_INVALID' },
    });
    // The session's access token ends with it, before its exp.
    const ended = await execute(server.app, MeDocument, {}, { token: third.accessToken });
    expect(ended.status).toBe(401);
    expect(ended.body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
  });

  it('answers a wrong password and an unknown user identically', async () => {
    const wrong = await login('jane', 'not the password');
    const unknown = await login('nobody-here', 'not the password');
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.errors?.[0]).toMatchObject({
      message: 'The username or password is incorrect.',
      extensions: { code: 'INVALID_CREDENTIALS' },
    });
  });

  it('throttles repeated failures from an address with 429, TOO_MANY_REQUESTS and Retry-After', async () => {
    await server.services.users.createUser({ username: 'target', password: PASSWORD, scopes: [] }, {});
    for (let attempt = 0; attempt < 3; attempt += 1) await login('target', 'a wrong guess', '198.51.100.20');
    // Refused from the address that failed; another address is not locked out (account-attacks.test.ts).
    const blocked = await login('target', PASSWORD, '198.51.100.20');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.body.errors?.[0]?.extensions).toEqual({
      code: 'TOO_MANY_REQUESTS',
      retryAfterSeconds: Number(blocked.headers['retry-after']),
    });
  });

  it('changes a password and ends the other sessions', async () => {
    const laptop = (await login('jane', PASSWORD)).body.data!.login!;
    const phone = (await login('jane', PASSWORD)).body.data!.login!;
    const weak = await execute(
      server.app,
      ChangePasswordDocument,
      { currentPassword: PASSWORD, newPassword: 'jane' },
      { token: laptop.accessToken },
    );
    expect(weak.body.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'newPassword',
      rule: 'min_length',
    });

    const changed = await execute(
      server.app,
      ChangePasswordDocument,
      { currentPassword: PASSWORD, newPassword: 'another long secret' },
      { token: laptop.accessToken },
    );
    const fresh = changed.body.data!.changePassword!;
    const phoneRefresh = await execute(server.app, RefreshTokenDocument, {
      refreshToken: phone.refreshToken,
    });
    expect(phoneRefresh.body.errors?.[0]?.extensions?.code).toBe('REFRESH_TOKEN_INVALID');
    expect(
      (await execute(server.app, RefreshTokenDocument, { refreshToken: fresh.refreshToken })).status,
    ).toBe(200);
    expect((await login('jane', 'another long secret')).body.data?.login?.viewer.username).toBe('jane');

    const revoked = await execute(server.app, RevokeAllSessionsDocument, {}, { token: fresh.accessToken });
    expect(revoked.body.data?.revokeAllSessions).toBeGreaterThanOrEqual(1);
  });

  describe('a mutation that fails part-way', () => {
    const MINT = 'issueToken(input: { subject: "svc", username: "svc", scopes: [] }) { accessToken }';
    let session: { accessToken: string; refreshToken: string };

    beforeAll(async () => {
      await server.services.users.createUser({ username: 'june', password: PASSWORD, scopes: [] }, {});
    });
    beforeEach(async () => {
      session = (await login('june', PASSWORD)).body.data!.login!;
    });

    it('keeps the result of the fields that ran, with 200, when a later field is refused', async () => {
      const response = await execute(
        server.app,
        `mutation { revokeAllSessions ${MINT} }`,
        {},
        { token: session.accessToken },
      );
      expect(response.status).toBe(200);
      expect(response.headers['www-authenticate']).toBeUndefined();
      expect(response.body.data).toEqual({ revokeAllSessions: expect.any(Number), issueToken: null });
      expect((response.body.data as { revokeAllSessions: number }).revokeAllSessions).toBeGreaterThanOrEqual(
        1,
      );
      expect(response.body.errors).toMatchObject([
        { path: ['issueToken'], extensions: { code: 'FORBIDDEN', missingScopes: ['tokens:issue'] } },
      ]);
      // It really ran: the session is gone.
      const refreshed = await execute(server.app, RefreshTokenDocument, {
        refreshToken: session.refreshToken,
      });
      expect(refreshed.body.errors?.[0]?.extensions?.code).toBe('REFRESH_TOKEN_INVALID');
    });

    it('still answers 403 with a challenge when no field produced data', async () => {
      const response = await execute(server.app, `mutation { ${MINT} }`, {}, { token: session.accessToken });
      expect(response.status).toBe(403);
      expect(response.headers['www-authenticate']).toContain('insufficient_scope');
      expect(response.body.data).toEqual({ issueToken: null });
    });

    it('answers 200 to a client that negotiated application/graphql-response+json (the spec requires 2xx with data)', async () => {
      const response = await execute(
        server.app,
        `mutation { ${MINT} }`,
        {},
        { token: session.accessToken, headers: { accept: 'application/graphql-response+json' } },
      );
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toContain('application/graphql-response+json');
      expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });

  describe('administration', () => {
    let reader: string;

    beforeAll(async () => {
      await server.services.users.createUser(
        { username: 'reader', password: PASSWORD, scopes: ['read'] },
        {},
      );
      reader = (await login('reader', PASSWORD)).body.data!.login!.accessToken;
    });

    it('lets an admin create, list, re-scope, disable and enable users', async () => {
      const created = await execute(
        server.app,
        CreateUserDocument,
        { input: { username: 'Zoe', password: PASSWORD, scopes: ['admin'] } },
        { token: admin },
      );
      const zoe = created.body.data!.createUser!;
      expect(zoe).toMatchObject({ username: 'Zoe', scopes: ['admin'], disabled: false });
      expect(created.raw).not.toContain('scrypt');

      const page = await execute(server.app, UsersDocument, { first: 2 }, { token: admin });
      expect(page.body.data?.users.nodes).toHaveLength(2);
      expect(page.body.data?.users.pageInfo.hasNextPage).toBe(true);
      const next = await execute(
        server.app,
        UsersDocument,
        { first: 100, after: page.body.data!.users.pageInfo.endCursor },
        { token: admin },
      );
      const names = [...page.body.data!.users.nodes, ...next.body.data!.users.nodes].map(
        (user) => user.username,
      );
      expect(names).toContain('Zoe');
      expect(next.body.data?.users.pageInfo.hasNextPage).toBe(false);

      const rescoped = await execute(
        server.app,
        SetUserScopesDocument,
        { userId: zoe.id, scopes: [] },
        { token: admin },
      );
      expect(rescoped.body.data?.setUserScopes?.scopes).toEqual([]);

      const disabled = await execute(server.app, DisableUserDocument, { userId: zoe.id }, { token: admin });
      expect(disabled.body.data?.disableUser?.disabled).toBe(true);
      expect((await login('Zoe', PASSWORD)).body.errors?.[0]?.extensions?.code).toBe('INVALID_CREDENTIALS');
      await execute(server.app, EnableUserDocument, { userId: zoe.id }, { token: admin });
      expect((await login('zoe', PASSWORD)).body.data?.login?.viewer.username).toBe('Zoe');
    });

    it.each([
      ['users', 'users:read', () => execute(server.app, UsersDocument, {}, { token: reader })],
      [
        'createUser',
        'users:write',
        () =>
          execute(
            server.app,
            CreateUserDocument,
            { input: { username: 'eve', password: PASSWORD } },
            { token: reader },
          ),
      ],
      [
        'setUserScopes',
        'users:write',
        () =>
          execute(server.app, SetUserScopesDocument, { userId: 'x', scopes: ['admin'] }, { token: reader }),
      ],
      [
        'disableUser',
        'users:write',
        () => execute(server.app, DisableUserDocument, { userId: 'x' }, { token: reader }),
      ],
    ])('refuses %s without its scope (%s, or admin): 403 FORBIDDEN', async (_operation, scope, call) => {
      const response = await call();
      expect(response.status).toBe(403);
      expect(response.body.errors?.[0]?.extensions).toEqual({
        code: 'FORBIDDEN',
        reason: 'SCOPE_MISSING',
        requiredScopes: [scope],
        missingScopes: [scope],
      });
    });

    it('refuses every session and admin operation to anonymous callers with 401', async () => {
      for (const response of [
        await execute(server.app, UsersDocument, {}),
        await execute(server.app, LogoutDocument, { refreshToken: 'x' }),
        await execute(server.app, RevokeAllSessionsDocument, {}),
        await execute(server.app, ChangePasswordDocument, { currentPassword: 'a', newPassword: 'b' }),
      ]) {
        expect(response.status).toBe(401);
        expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      }
    });

    it('refuses to grant a scope the admin does not hold', async () => {
      const response = await execute(
        server.app,
        CreateUserDocument,
        { input: { username: 'mallory', password: PASSWORD, scopes: ['admin', 'root'] } },
        { token: admin },
      );
      expect(response.status).toBe(403);
      expect(response.body.errors?.[0]?.extensions).toMatchObject({
        code: 'FORBIDDEN',
        missingScopes: ['root'],
      });
      const users = await server.services.users.listUsers(100, undefined);
      expect(users.users.map((user) => user.username)).not.toContain('mallory');
    });

    it.each([
      ['a page too large', UsersDocument, { first: 1000 }, { field: 'first', rule: 'range' }],
      ['a forged cursor', UsersDocument, { after: '!!' }, { field: 'after', rule: 'cursor' }],
      ['an unknown user', DisableUserDocument, { userId: 'no-such-user' }, undefined],
    ] as const)('answers %s with a clear code', async (_case, document, variables, extensions) => {
      const response = await execute(server.app, document as typeof UsersDocument, variables as never, {
        token: admin,
      });
      const error = response.body.errors?.[0];
      if (extensions) expect(error?.extensions).toEqual({ code: 'BAD_USER_INPUT', ...extensions });
      else expect(error?.extensions).toEqual({ code: 'NOT_FOUND' });
    });
  });

  it.each([
    ['an over-long password', { username: 'jane', password: 'x'.repeat(2000) }, 'BAD_USER_INPUT'],
    ['an over-long username', { username: 'j'.repeat(33), password: PASSWORD }, 'BAD_USER_INPUT'],
    ['SQL in the username', { username: "' OR 1=1 --", password: PASSWORD }, 'INVALID_CREDENTIALS'],
    ['an empty username', { username: '', password: '' }, 'INVALID_CREDENTIALS'],
  ])('refuses a login with %s', async (_case, variables, expected) => {
    const response = await execute(server.app, LoginDocument, variables);
    expect(response.body.errors?.[0]?.extensions?.code).toBe(expected);
    expect(response.raw).not.toMatch(/sqlite|select|stack/i);
  });

  it('never logs passwords or refresh tokens', async () => {
    const session = (await login('root', ADMIN_PASSWORD)).body.data!.login!;
    await execute(server.app, RefreshTokenDocument, { refreshToken: session.refreshToken });
    const logs = server.logs.join('\n');
    expect(logs).not.toContain(ADMIN_PASSWORD);
    expect(logs).not.toContain(PASSWORD);
    expect(logs).not.toContain(session.refreshToken);
  });

  describe('when the database goes away', () => {
    it('reports ready, then 503 from /readyz and SERVICE_UNAVAILABLE, while me keeps working from the token', async () => {
      const doomed = await startTestServer({ allowErrorLogs: true });
      await doomed.services.users.createUser({ username: 'ivy', password: PASSWORD, scopes: [] }, {});
      const token = (await execute(doomed.app, LoginDocument, { username: 'ivy', password: PASSWORD })).body
        .data!.login!.accessToken;
      expect((await doomed.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);

      await doomed.services.database.close();
      const ready = await doomed.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toEqual({ status: 'unavailable' });
      expect((await doomed.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

      const login = await execute(doomed.app, LoginDocument, { username: 'ivy', password: PASSWORD });
      expect(login.status).toBe(503);
      expect(login.headers['retry-after']).toBe('5');
      expect(login.body.errors?.[0]).toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
      expect(login.raw).not.toMatch(/destroyed|driver|sqlite/i);

      const me = await execute(doomed.app, MeDocument, {}, { token });
      expect(me.status).toBe(200);
      expect(me.body.data?.me.greeting).toBe('Hey ivy');
      await doomed.app.close();
    });
  });
});

import {
  LoginDocument,
  MySessionsDocument,
  RefreshTokenDocument,
  RevokeOtherSessionsDocument,
  RevokeSessionDocument,
  UserSessionsDocument,
} from '../../clients/typescript/src/index';
import { manualClock } from '../fixtures/clock';
import { describeEngines } from '../helpers/databases';
import { execute, startTestServerOn, type TestServer } from '../helpers/server';
import { connect, subscribe, until } from '../helpers/websocket';

const PASSWORD = 'sessions and devices 01';
const METRICS_TOKEN = 'sessions-metrics-token-0123456789abcdefgh';
const LAPTOP = {
  ip: '198.51.100.7',
  headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' },
};
const PHONE = {
  ip: '203.0.113.20',
  headers: {
    'user-agent':
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  },
};

describeEngines('sessions and devices', (database) => {
  const clock = manualClock(Math.floor(Date.now() / 1000));
  let server: TestServer;
  let queries = 0;
  let sequence = 0;

  const account = async (scopes: string[] = []) => {
    const username = `device${(sequence += 1)}`;
    const user = await server.services.users.createUser({ username, password: PASSWORD, scopes }, {});
    return { id: user.id, username };
  };
  const login = async (username: string, client: typeof LAPTOP) =>
    (await execute(server.app, LoginDocument, { username, password: PASSWORD }, client)).body.data!.login!;
  const running = async () => {
    const response = await server.app.inject({
      url: '/metrics',
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    return Number(/^graphql_subscriptions (\d+)/m.exec(response.body)?.[1]);
  };
  const sessions = async (token: string) =>
    (await execute(server.app, MySessionsDocument, {}, { token })).body.data!.me.sessions!;

  beforeAll(async () => {
    server = await startTestServerOn(database, {
      clock,
      onQuery: () => (queries += 1),
      env: { METRICS_TOKEN },
    });
  });
  afterAll(() => server.close());

  it('lists each sign-in with its device, one of them current, from one indexed query', async () => {
    const { username } = await account();
    const laptop = await login(username, LAPTOP);
    clock.advance(60);
    const phone = await login(username, PHONE);
    queries = 0;
    const listed = await sessions(laptop.accessToken);
    expect(queries).toBe(1);
    expect(
      listed.map(({ deviceLabel, current, ipAddress }) => ({ deviceLabel, current, ipAddress })),
    ).toEqual([
      { deviceLabel: 'Safari on iOS', current: false, ipAddress: PHONE.ip },
      { deviceLabel: 'Firefox on Linux', current: true, ipAddress: LAPTOP.ip },
    ]);
    expect(listed[1]).toMatchObject({ userAgent: LAPTOP.headers['user-agent'] });
    expect(listed[1]!.createdAt).toBe(listed[1]!.lastUsedAt);
    expect((await sessions(phone.accessToken)).filter((session) => session.current)).toHaveLength(1);
    // An ordinary request reads nothing: the list is read only when asked for.
    queries = 0;
    await execute(server.app, '{ me { greeting } }', {}, { token: laptop.accessToken });
    expect(queries).toBe(0);
  });

  it('records a refresh as the session last used, from its new address, with no write per access-token request', async () => {
    const { username } = await account();
    const phone = await login(username, PHONE);
    clock.advance(120);
    const moved = { ...PHONE, ip: '192.0.2.99' };
    const renewed = (
      await execute(server.app, RefreshTokenDocument, { refreshToken: phone.refreshToken }, moved)
    ).body.data!.refreshToken!;
    const [listed] = await sessions(renewed.accessToken);
    expect(listed).toMatchObject({ current: true, ipAddress: '192.0.2.99', deviceLabel: 'Safari on iOS' });
    expect(new Date(listed!.lastUsedAt).getTime() - new Date(listed!.createdAt).getTime()).toBe(120_000);
  });

  it('ends one session everywhere: its refresh token at once, its access token, its socket, and says so in the trail and the stream', async () => {
    const { id, username } = await account();
    const laptop = await login(username, LAPTOP);
    const phone = await login(username, PHONE);
    const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
    const wsUrl = `${address.replace('http', 'ws')}/graphql`;
    const lost = connect(wsUrl, phone.accessToken);
    const watching = connect(wsUrl, laptop.accessToken);
    try {
      const events = subscribe(watching.client, 'subscription { viewerEvents { type sessionId } }');
      subscribe(lost.client, 'subscription { viewerEvents { type } }');
      // Both subscriptions run, by the server's own count, before the session ends.
      await until(async () => (await running()) === 2, 5000);
      const phoneSession = (await sessions(laptop.accessToken)).find((session) => !session.current)!;
      const ended = await execute(
        server.app,
        RevokeSessionDocument,
        { id: phoneSession.id },
        { token: laptop.accessToken },
      );
      expect(ended.body.data).toEqual({ revokeSession: true });
      expect(
        (await execute(server.app, RefreshTokenDocument, { refreshToken: phone.refreshToken })).body
          .errors?.[0]?.extensions?.code,
      ).toBe('REFRESH_TOKEN_INVALID');
      const me = await execute(server.app, '{ me { id } }', {}, { token: phone.accessToken });
      expect([me.status, me.body.errors?.[0]?.extensions?.reason]).toEqual([401, 'TOKEN_REVOKED']);
      expect(await lost.closed).toEqual({ code: 4401, reason: 'TOKEN_REVOKED' });
      await until(() => events.data.length > 0);
      expect(events.data).toContainEqual({
        viewerEvents: { type: 'session.revoked', sessionId: phoneSession.id },
      });
      expect(
        (await server.services.auditLog.page({ userId: id, type: 'session.revoked' }, 1)).events[0],
      ).toMatchObject({
        details: { sessionId: phoneSession.id },
      });
      expect((await sessions(laptop.accessToken)).map((session) => session.current)).toEqual([true]);
      // Ended already: false, not an error.
      expect(
        (
          await execute(
            server.app,
            RevokeSessionDocument,
            { id: phoneSession.id },
            { token: laptop.accessToken },
          )
        ).body.data,
      ).toEqual({ revokeSession: false });
    } finally {
      await lost.client.dispose();
      await watching.client.dispose();
    }
  });

  it("gives no one else's sessions, nor a hint of whether an id exists", async () => {
    const ada = await account();
    const eve = await account();
    const adaSession = await login(ada.username, LAPTOP);
    const eveSession = await login(eve.username, PHONE);
    const [target] = await sessions(adaSession.accessToken);
    const theirs = await execute(
      server.app,
      UserSessionsDocument,
      { id: ada.id },
      { token: eveSession.accessToken },
    );
    expect(theirs.body.data).toEqual({ user: null });
    expect(theirs.body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_OWNER' });
    const existing = await execute(
      server.app,
      RevokeSessionDocument,
      { id: target!.id },
      { token: eveSession.accessToken },
    );
    const missing = await execute(
      server.app,
      RevokeSessionDocument,
      { id: '00000000-0000-4000-8000-000000000000' },
      { token: eveSession.accessToken },
    );
    expect([existing.status, existing.body.errors?.[0]?.extensions?.reason]).toEqual([403, 'NOT_OWNER']);
    expect(existing.body).toEqual(missing.body);
    expect(await sessions(adaSession.accessToken)).toHaveLength(1);
  });

  it('lets users:read list and users:write end anyone’s session, naming the administrator in the trail', async () => {
    const ada = await account();
    const reader = await account(['users:read']);
    const writer = await account(['users:write']);
    const adaSession = await login(ada.username, PHONE);
    const readerToken = (await login(reader.username, LAPTOP)).accessToken;
    const writerToken = (await login(writer.username, LAPTOP)).accessToken;
    const listed = await execute(server.app, UserSessionsDocument, { id: ada.id }, { token: readerToken });
    const [target] = listed.body.data!.user!.sessions!;
    expect(target).toMatchObject({ deviceLabel: 'Safari on iOS', current: false });
    expect(
      refused(await execute(server.app, RevokeSessionDocument, { id: target!.id }, { token: readerToken })),
    ).toBe('NOT_OWNER');
    expect(
      (await execute(server.app, RevokeSessionDocument, { id: target!.id }, { token: writerToken })).body
        .data,
    ).toEqual({ revokeSession: true });
    expect(
      (await server.services.auditLog.page({ userId: ada.id, type: 'session.revoked' }, 1)).events[0],
    ).toMatchObject({ actorId: writer.id });
    expect(
      (await execute(server.app, RevokeSessionDocument, { id: 'no-such-session' }, { token: writerToken }))
        .body.errors?.[0]?.extensions?.code,
    ).toBe('NOT_FOUND');
    const me = await execute(server.app, '{ me { id } }', {}, { token: adaSession.accessToken });
    expect(me.body.errors?.[0]?.extensions?.reason).toBe('TOKEN_REVOKED');
  });

  it('ends every other session, leaving exactly the current one', async () => {
    const { username } = await account();
    const kept = await login(username, LAPTOP);
    const others = [await login(username, PHONE), await login(username, { ...PHONE, ip: '192.0.2.5' })];
    const ended = await execute(server.app, RevokeOtherSessionsDocument, {}, { token: kept.accessToken });
    expect(ended.body.data).toEqual({ revokeOtherSessions: 2 });
    expect((await sessions(kept.accessToken)).map((session) => session.current)).toEqual([true]);
    for (const other of others) {
      expect(
        (await execute(server.app, '{ me { id } }', {}, { token: other.accessToken })).body.errors?.[0]
          ?.extensions?.reason,
      ).toBe('TOKEN_REVOKED');
    }
  });

  it('keeps a user agent without its control characters, at most 256 long', async () => {
    const { username } = await account();
    const hostile = { ip: '192.0.2.8', headers: { 'user-agent': `Evil\u009b2J Agent ${'x'.repeat(400)}` } };
    const session = await login(username, hostile);
    const [listed] = await sessions(session.accessToken);
    expect(listed!.userAgent).toBe(`Evil2J Agent ${'x'.repeat(400)}`.slice(0, 256));
    expect(listed!.userAgent).not.toMatch(/[\p{Cc}\p{Cf}]/u);
  });

  it('drops expired sessions from the list, and purges them with their refresh tokens', async () => {
    const { id, username } = await account();
    const [session] = await sessions((await login(username, LAPTOP)).accessToken);
    clock.advance(15 * 86_400); // past REFRESH_TOKEN_TTL (14 days): unused, the session is over
    expect(await server.services.sessions.list(id)).toEqual([]);
    clock.advance(8 * 86_400); // past REFRESH_TOKEN_RETENTION too
    await server.services.accounts.purgeEndedSessions();
    expect(await server.services.sessions.ownerOf(session!.id)).toBeUndefined();
    const rows = await server.services.database.db
      .selectFrom('refresh_tokens')
      .select('id')
      .where('user_id', '=', id)
      .execute();
    expect(rows).toEqual([]);
  });
});

function refused(response: Awaited<ReturnType<typeof execute>>): unknown {
  return response.body.errors?.[0]?.extensions?.reason;
}

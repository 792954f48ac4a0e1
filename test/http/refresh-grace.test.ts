import { LoginDocument, MeDocument, RefreshTokenDocument } from '../../clients/typescript/src/index';
import { manualClock } from '../fixtures/clock';
import { describeEngines } from '../helpers/databases';
import { execute, startTestServerOn, type TestServer } from '../helpers/server';

const PASSWORD = 'refresh grace 012345';
const PHONE = { ip: '198.51.100.10', headers: { 'user-agent': 'NotesApp/3.1 (iPhone; iOS 18.1)' } };
const THIEF = { ip: '203.0.113.66', headers: { 'user-agent': 'python-requests/2.32' } };

/**
 * A stolen refresh token rotated by the thief first, then presented by its owner within the reuse grace:
 * before, the owner lost quietly and the thief kept the session. Now another client (another address and
 * another user agent) within the grace is theft; the same client is a retry; both are in the audit trail.
 */
describeEngines('a refresh token presented again within REFRESH_REUSE_GRACE', (database) => {
  const clock = manualClock(Math.floor(Date.now() / 1000));
  const servers: TestServer[] = [];
  let sequence = 0;

  const start = async (env: Record<string, string> = {}) => {
    const server = await startTestServerOn(database, { clock, env });
    servers.push(server);
    return server;
  };
  const signIn = async (server: TestServer, client: typeof PHONE) => {
    const username = `grace${(sequence += 1)}`;
    await server.services.users.createUser({ username, password: PASSWORD, scopes: [] }, {});
    return (await execute(server.app, LoginDocument, { username, password: PASSWORD }, client)).body.data!
      .login!;
  };
  const refresh = (server: TestServer, refreshToken: string, client: typeof PHONE) =>
    execute(server.app, RefreshTokenDocument, { refreshToken }, client);
  const lastEvent = async (server: TestServer, type: string) =>
    (await server.services.auditLog.page({ type: type as never }, 1)).events[0];

  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });

  it('is theft from another client: the session ends for both, and the trail names both clients', async () => {
    const server = await start();
    const session = await signIn(server, PHONE);
    const stolen = await refresh(server, session.refreshToken, THIEF);
    // Says what went wrong, should the first rotation ever fail (seen once under a full parallel run).
    expect(stolen.body.errors).toBeUndefined();
    const thief = stolen.body.data!.refreshToken!;
    clock.advance(1); // within the 2 s grace
    const owner = await refresh(server, session.refreshToken, PHONE);
    expect(owner.body.errors?.[0]?.extensions?.code).toBe('REFRESH_TOKEN_REUSED');
    // The thief's rotation dies with the family: its refresh token and its access token.
    expect((await refresh(server, thief.refreshToken, THIEF)).body.errors?.[0]?.extensions?.code).toBe(
      'REFRESH_TOKEN_INVALID',
    );
    const me = await execute(server.app, MeDocument, {}, { token: thief.accessToken, ...THIEF });
    expect([me.status, me.body.errors?.[0]?.extensions?.reason]).toEqual([401, 'TOKEN_REVOKED']);
    expect(await lastEvent(server, 'refresh_token.reused')).toMatchObject({
      ip: PHONE.ip,
      userAgent: PHONE.headers['user-agent'],
      details: { rotatedBy: { ip: THIEF.ip, userAgent: THIEF.headers['user-agent'] } },
    });
  });

  it.each([
    ['the same client retrying', PHONE],
    ['the same app from another network', { ...PHONE, ip: '192.0.2.44' }],
    [
      'another app on the same address',
      { ...PHONE, headers: { 'user-agent': 'NotesApp/3.2 (iPhone; iOS 18.1)' } },
    ],
  ])('is a retry from %s: refused, the session kept, and recorded', async (_who, second) => {
    const server = await start();
    const session = await signIn(server, PHONE);
    const first = (await refresh(server, session.refreshToken, PHONE)).body.data!.refreshToken!;
    clock.advance(1);
    const again = await refresh(server, session.refreshToken, second);
    expect(again.body.errors?.[0]?.extensions?.code).toBe('REFRESH_TOKEN_INVALID');
    expect((await refresh(server, first.refreshToken, PHONE)).body.errors).toBeUndefined();
    expect(await lastEvent(server, 'refresh_token.retried')).toMatchObject({
      ip: second.ip,
      details: { rotatedBy: { ip: PHONE.ip, userAgent: PHONE.headers['user-agent'] } },
    });
  });

  it('is a retry from any client with REFRESH_REUSE_GRACE_ACROSS_CLIENTS=true, and still recorded', async () => {
    const server = await start({ REFRESH_REUSE_GRACE_ACROSS_CLIENTS: 'true' });
    const session = await signIn(server, PHONE);
    const thief = (await refresh(server, session.refreshToken, THIEF)).body.data!.refreshToken!;
    clock.advance(1);
    expect((await refresh(server, session.refreshToken, PHONE)).body.errors?.[0]?.extensions?.code).toBe(
      'REFRESH_TOKEN_INVALID',
    );
    expect((await refresh(server, thief.refreshToken, THIEF)).body.errors).toBeUndefined();
    expect(await lastEvent(server, 'refresh_token.retried')).toMatchObject({
      ip: PHONE.ip,
      details: { rotatedBy: { ip: THIEF.ip } },
    });
  });

  it('is theft past the grace, from any client, as before', async () => {
    const server = await start();
    const session = await signIn(server, PHONE);
    await refresh(server, session.refreshToken, PHONE);
    clock.advance(3);
    expect((await refresh(server, session.refreshToken, PHONE)).body.errors?.[0]?.extensions?.code).toBe(
      'REFRESH_TOKEN_REUSED',
    );
  });
});

import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TypedDocumentNode } from '@graphql-typed-document-node/core';
import { SignJWT } from 'jose';
import {
  ChangePasswordDocument,
  CreateUserDocument,
  DisableUserDocument,
  EnableUserDocument,
  IssueTokenDocument,
  LoginDocument,
  LogoutDocument,
  MeDocument,
  RefreshTokenDocument,
  RevokeAllSessionsDocument,
  SetUserScopesDocument,
  UsersDocument,
} from '../../clients/typescript/src/index';
import { describeEngines } from '../helpers/databases';
import { execute, startTestServerOn, type TestServer } from '../helpers/server';

/*
 * The account system as an attacker sees it: every test goes over HTTP, on SQLite and on PostgreSQL, and
 * races are run as many requests in flight at once, repeated over many trials.
 */

jest.setTimeout(120_000);

const PASSWORD = 'correct horse battery';
const EXTERNAL_ISSUER = 'https://idp.test/';
/** Trials per revocation kind in the race test: three kinds, so 300 races per engine (RACE_TRIALS for more). */
const RACE_TRIALS = Number(process.env.RACE_TRIALS ?? 100);

let sequence = 0;
/** A username, and a client address (TEST-NET, never contacted: inject only sets the socket address). */
const fresh = (prefix: string) => `${prefix}${(sequence += 1)}`;
const nextIp = () => {
  sequence += 1;
  return `198.18.${Math.floor(sequence / 250) % 250}.${(sequence % 250) + 1}`;
};

const externalKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const externalKeyFile = join(mkdtempSync(join(tmpdir(), 'idp-')), 'idp.pem');
writeFileSync(externalKeyFile, externalKeys.publicKey.export({ format: 'pem', type: 'spki' }));

/** A token from the trusted external issuer, signed with its key. */
function externalToken(claims: Record<string, unknown>, expiresAt = Math.floor(Date.now() / 1000) + 600) {
  return new SignJWT({ username: 'outsider', scope: 'admin', ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
    .setIssuer(EXTERNAL_ISSUER)
    .setAudience('graphql-jwt-api')
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .sign(externalKeys.privateKey);
}

const payloadOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describeEngines('accounts under attack', (database) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServerOn(database, {
      env: {
        LOGIN_MAX_FAILURES_PER_USERNAME_AND_IP: '10',
        LOGIN_MAX_FAILURES_PER_IP: '50',
        // The slow-down has its own server below; here it would only make the races slow.
        LOGIN_SLOWDOWN_AFTER_FAILURES: '100000',
        LOGIN_MAX_ATTEMPTS_PER_IP: '100000',
        TRUSTED_ISSUERS: JSON.stringify([
          {
            issuer: EXTERNAL_ISSUER,
            audience: 'graphql-jwt-api',
            algorithms: ['ES256'],
            publicKeyFile: externalKeyFile,
          },
        ]),
      },
    });
  });
  afterAll(() => server.close());

  const createUser = (username: string, scopes: string[] = []) =>
    server.services.users.createUser({ username, password: PASSWORD, scopes }, {});
  const login = (username: string, password = PASSWORD, ip = nextIp()) =>
    execute(server.app, LoginDocument, { username, password }, { ip });
  const signedIn = async (username: string) => (await login(username)).body.data!.login!;
  const refresh = (refreshToken: string) =>
    execute(server.app, RefreshTokenDocument, { refreshToken }, { ip: nextIp() });
  const issueToken = (token: string, input: { subject: string; username: string; scopes: string[] }) =>
    execute(server.app, IssueTokenDocument, { input }, { token });
  const codeOf = (response: { body: { errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> } }) =>
    response.body.errors?.[0]?.extensions?.code;

  describe('1-2. what a token may do is bounded by what its holder may do now', () => {
    it('a disabled, demoted admin and every token it minted administer nothing', async () => {
      const root = await signedIn((await createUser(fresh('root'), ['admin'])).username);
      const bob = await createUser(fresh('bob'), ['admin']);
      const bobToken = (await signedIn(bob.username)).accessToken;

      const forSelf = await issueToken(bobToken, {
        subject: bob.id,
        username: bob.username,
        scopes: ['admin'],
      });
      const selfToken = forSelf.body.data!.issueToken!.accessToken;
      expect(payloadOf(selfToken)).toMatchObject({ sub: bob.id, act: { sub: bob.id } });
      const forGhost = await issueToken(bobToken, {
        subject: 'ghost-service',
        username: 'ghost',
        scopes: ['admin'],
      });
      const ghostToken = forGhost.body.data!.issueToken!.accessToken;
      expect(payloadOf(ghostToken)).toMatchObject({ sub: 'ghost-service', act: { sub: bob.id } });

      // A minted service token is nobody's account: it reads its own identity, and administers nothing.
      expect((await execute(server.app, MeDocument, {}, { token: ghostToken })).status).toBe(200);
      expect(codeOf(await execute(server.app, UsersDocument, {}, { token: ghostToken }))).toBe('FORBIDDEN');

      const disabled = await execute(
        server.app,
        DisableUserDocument,
        { userId: bob.id },
        { token: root.accessToken },
      );
      expect(disabled.body.data?.disableUser?.disabled).toBe(true);
      const demoted = await execute(
        server.app,
        SetUserScopesDocument,
        { userId: bob.id, scopes: [] },
        { token: root.accessToken },
      );
      expect(demoted.body.data?.setUserScopes?.scopes).toEqual([]);

      // Revoked on disable: bob's own tokens, the one he minted for himself and the service's.
      for (const token of [bobToken, selfToken, ghostToken]) {
        const minted = await issueToken(token, {
          subject: bob.id,
          username: bob.username,
          scopes: ['admin'],
        });
        expect([minted.status, minted.body.errors?.[0]?.extensions?.reason]).toEqual([401, 'TOKEN_REVOKED']);
        const listed = await execute(server.app, UsersDocument, {}, { token });
        expect(listed.body.errors?.[0]?.extensions?.reason).toBe('TOKEN_REVOKED');
        const enabled = await execute(server.app, EnableUserDocument, { userId: bob.id }, { token });
        expect([enabled.status, codeOf(enabled)]).toEqual([401, 'UNAUTHENTICATED']);
        const me = await execute(server.app, MeDocument, {}, { token });
        expect(me.headers['www-authenticate']).toContain('error="invalid_token"');
      }
      const still = await server.services.users.listUsers(100);
      expect(still.users.find((user) => user.id === bob.id)).toMatchObject({ scopes: [] });
      expect(still.users.find((user) => user.id === bob.id)?.disabledAt).not.toBeNull();
    });

    it('gives a user subject no scope it lacks, and no other username', async () => {
      const root = await signedIn((await createUser(fresh('root'), ['admin', 'read'])).username);
      const jane = await createUser(fresh('jane'), ['read']);
      const more = await issueToken(root.accessToken, {
        subject: jane.id,
        username: jane.username,
        scopes: ['admin'],
      });
      expect([more.status, more.body.errors?.[0]?.extensions]).toEqual([
        403,
        { code: 'FORBIDDEN', reason: 'CANNOT_GRANT', requiredScopes: ['admin'], missingScopes: ['admin'] },
      ]);
      const renamed = await issueToken(root.accessToken, { subject: jane.id, username: 'root', scopes: [] });
      expect(renamed.body.errors?.[0]?.extensions).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'username',
        rule: 'mismatch',
      });
      const fair = await issueToken(root.accessToken, {
        subject: jane.id,
        username: jane.username,
        scopes: ['read'],
      });
      expect(fair.body.data?.issueToken?.scopes).toEqual(['read']);
    });

    it('lets nobody enable or disable themselves', async () => {
      const user = await createUser(fresh('root'), ['admin']);
      const { accessToken } = await signedIn(user.username);
      for (const document of [EnableUserDocument, DisableUserDocument] as TypedDocumentNode<
        unknown,
        { userId: string }
      >[]) {
        const response = await execute(server.app, document, { userId: user.id }, { token: accessToken });
        expect(response.body.errors?.[0]?.extensions).toEqual({
          code: 'BAD_USER_INPUT',
          field: 'userId',
          rule: 'self',
        });
      }
    });

    it('refuses to disable or enable a user holding a scope the admin lacks', async () => {
      const boss = await createUser(fresh('boss'), ['admin', 'superadmin']);
      const { accessToken } = await signedIn((await createUser(fresh('admin'), ['admin'])).username);
      for (const document of [DisableUserDocument, EnableUserDocument] as TypedDocumentNode<
        unknown,
        { userId: string }
      >[]) {
        const response = await execute(server.app, document, { userId: boss.id }, { token: accessToken });
        expect([response.status, response.body.errors?.[0]?.extensions]).toEqual([
          403,
          {
            code: 'FORBIDDEN',
            reason: 'CANNOT_GRANT',
            requiredScopes: ['admin', 'superadmin'],
            missingScopes: ['superadmin'],
          },
        ]);
      }
      expect((await login(boss.username)).status).toBe(200);
    });
  });

  describe('3. a refresh racing a revocation', () => {
    const revoke: Record<
      string,
      (session: { accessToken: string; refreshToken: string }) => Promise<unknown>
    > = {
      logout: ({ accessToken, refreshToken }) =>
        execute(server.app, LogoutDocument, { refreshToken }, { token: accessToken }),
      revokeAllSessions: ({ accessToken }) =>
        execute(server.app, RevokeAllSessionsDocument, {}, { token: accessToken }),
      changePassword: ({ accessToken }) =>
        execute(
          server.app,
          ChangePasswordDocument,
          { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
          { token: accessToken, ip: nextIp() },
        ),
    };

    it.each(Object.keys(revoke))(
      `%s leaves no stolen refresh token alive (${RACE_TRIALS} trials)`,
      async (kind) => {
        let survivors = 0;
        for (let trial = 0; trial < RACE_TRIALS; trial += 1) {
          const user = await createUser(fresh('victim'));
          const session = await signedIn(user.username);
          // The attacker holds the refresh token and rotates it as fast as it can.
          let stolen = session.refreshToken;
          const attacker = (async () => {
            for (let round = 0; round < 6; round += 1) {
              const next = (await refresh(stolen)).body.data?.refreshToken?.refreshToken;
              if (!next) return;
              stolen = next;
            }
          })();
          for (let turn = 0; turn < trial % 4; turn += 1)
            await new Promise((resolve) => setImmediate(resolve));
          await Promise.all([attacker, revoke[kind]!(session)]);
          if ((await refresh(stolen)).body.data?.refreshToken) survivors += 1;
        }
        expect(survivors).toBe(0);
      },
    );
  });

  describe('4-5. the login throttle', () => {
    it('lets at most the limit of concurrent wrong passwords reach the password check', async () => {
      for (let trial = 0; trial < 5; trial += 1) {
        const user = await createUser(fresh('target'));
        const ip = nextIp();
        const answers = await Promise.all(
          Array.from({ length: 40 }, () => login(user.username, 'a wrong guess', ip)),
        );
        const codes = answers.map(codeOf);
        expect(codes.filter((code) => code === 'INVALID_CREDENTIALS').length).toBeLessThanOrEqual(10);
        expect(codes.filter((code) => code !== 'INVALID_CREDENTIALS')).toEqual(
          codes.filter((code) => code === 'TOO_MANY_REQUESTS'),
        );
      }
      const sprayer = nextIp();
      const sprayed = await Promise.all(
        Array.from({ length: 80 }, () => login(fresh('nobody'), 'a wrong guess', sprayer)),
      );
      expect(sprayed.map(codeOf).filter((code) => code === 'INVALID_CREDENTIALS').length).toBeLessThanOrEqual(
        50,
      );
    });

    it('never refuses the right password from an address with no failures, however many failed elsewhere', async () => {
      const user = await createUser(fresh('lockout'));
      const attacker = nextIp();
      for (let attempt = 0; attempt < 12; attempt += 1) await login(user.username, 'a wrong guess', attacker);
      expect(codeOf(await login(user.username, PASSWORD, attacker))).toBe('TOO_MANY_REQUESTS');
      const fromHome = await login(user.username, PASSWORD, nextIp());
      expect(fromHome.status).toBe(200);
      expect(fromHome.body.data?.login?.viewer.username).toBe(user.username);
    });
  });

  describe('6. login work is bounded whatever the outcome', () => {
    it('checks one password per request: aliased logins are refused before any runs', async () => {
      const user = await createUser(fresh('alias'));
      const aliases = ['a', 'b', 'c', 'd', 'e']
        .map(
          (alias) => `${alias}: login(username: "${user.username}", password: "${PASSWORD}") { accessToken }`,
        )
        .join(' ');
      const response = await execute(server.app, `mutation { ${aliases} }`, undefined, { ip: nextIp() });
      expect(response.status).toBe(400);
      expect(response.body.errors?.map((error) => error.extensions)).toEqual([
        { code: 'QUERY_LIMIT_EXCEEDED', limit: 'password_checks' },
      ]);
      const rows = await server.services.database.db
        .selectFrom('refresh_tokens')
        .select('id')
        .where('user_id', '=', user.id)
        .execute();
      expect(rows).toHaveLength(0);
      // Through a fragment too; one login alone is fine.
      const viaFragment = `mutation { a: login(username: "${user.username}", password: "${PASSWORD}") { accessToken } ...F }
        fragment F on Mutation { b: login(username: "${user.username}", password: "${PASSWORD}") { accessToken } }`;
      expect((await execute(server.app, viaFragment, undefined, { ip: nextIp() })).status).toBe(400);
      expect((await login(user.username)).status).toBe(200);
    });
  });

  describe("8. identity is (issuer, subject), and accounts are this API's own", () => {
    it("refuses a trusted issuer's token whose sub is a local user's id every local-account operation", async () => {
      const jane = await createUser(fresh('jane'), ['admin']);
      const session = await signedIn(jane.username);
      const impostor = await externalToken({ sub: jane.id });
      const me = await execute(server.app, MeDocument, {}, { token: impostor });
      expect(me.body.data?.me).toMatchObject({ id: jane.id, username: 'outsider' });

      const attempts = [
        execute(server.app, RevokeAllSessionsDocument, {}, { token: impostor }),
        execute(server.app, LogoutDocument, { refreshToken: session.refreshToken }, { token: impostor }),
        execute(
          server.app,
          ChangePasswordDocument,
          { currentPassword: PASSWORD, newPassword: 'taken over, finally' },
          { token: impostor },
        ),
        issueToken(impostor, { subject: 'svc', username: 'svc', scopes: [] }),
        execute(server.app, UsersDocument, {}, { token: impostor }),
        execute(
          server.app,
          CreateUserDocument,
          { input: { username: fresh('planted'), password: PASSWORD, scopes: [] } },
          { token: impostor },
        ),
      ];
      for (const response of await Promise.all(attempts)) {
        expect([response.status, codeOf(response)]).toEqual([403, 'LOCAL_ACCOUNT_REQUIRED']);
      }
      // Jane's session is untouched.
      expect((await refresh(session.refreshToken)).body.data?.refreshToken?.viewer.username).toBe(
        jane.username,
      );
    });

    it("caps the lifetime of another issuer's tokens", async () => {
      const now = Math.floor(Date.now() / 1000);
      for (const exp of [1e300, now + 2 * 86_400]) {
        const response = await execute(
          server.app,
          MeDocument,
          {},
          { token: await externalToken({ sub: 'x' }, exp) },
        );
        expect([response.status, response.body.errors?.[0]?.extensions?.reason]).toEqual([
          401,
          'TOKEN_INVALID',
        ]);
      }
      expect(server.logs.join('\n')).toContain('"check":"lifetime_too_long"');
      const day = await execute(
        server.app,
        MeDocument,
        {},
        { token: await externalToken({ sub: 'x' }, now + 3600) },
      );
      expect(day.status).toBe(200);
    });
  });

  describe('9. names that pass for others, and policy on the normalised form', () => {
    it('refuses invisible and control characters in usernames from issueToken and from trusted issuers', async () => {
      const root = await signedIn((await createUser(fresh('root'), ['admin'])).username);
      for (const username of ['admin\u202e', 'ad\u200bmin', 'admin\u0085', '\ufeffadmin']) {
        const minted = await issueToken(root.accessToken, { subject: 'svc', username, scopes: [] });
        expect(minted.body.errors?.[0]?.extensions).toMatchObject({
          code: 'BAD_USER_INPUT',
          field: 'username',
        });
        const external = await execute(
          server.app,
          MeDocument,
          {},
          { token: await externalToken({ sub: 'x', username }) },
        );
        expect([external.status, external.body.errors?.[0]?.extensions?.reason]).toEqual([
          401,
          'TOKEN_INVALID',
        ]);
      }
    });

    it('applies the password policy to the password as it is hashed (NFKC)', async () => {
      const username = fresh('jane');
      const fullWidth = [...username].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('');
      const response = await execute(
        server.app,
        CreateUserDocument,
        { input: { username, password: `my ${fullWidth} passphrase`, scopes: [] } },
        { token: (await signedIn((await createUser(fresh('root'), ['admin'])).username)).accessToken },
      );
      expect(response.body.errors?.[0]?.extensions).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'password',
        rule: 'contains_username',
      });
    });
  });
});

describeEngines('login throttling settings', (database) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServerOn(database, {
      env: {
        LOGIN_SLOWDOWN_AFTER_FAILURES: '2',
        LOGIN_MAX_ATTEMPTS_PER_IP: '3',
        TRUST_PROXY: '1',
      },
    });
    await server.services.users.createUser({ username: 'ada', password: PASSWORD, scopes: [] }, {});
  });
  afterAll(() => server.close());

  const login = (password: string, ip: string, headers: Record<string, string> = {}) =>
    execute(server.app, LoginDocument, { username: 'ada', password }, { ip, headers });

  it('5. slows a username failing from many addresses instead of refusing it', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) await login('a wrong guess', nextIp());
    const logged = server.logs.length;
    const response = await login(PASSWORD, nextIp());
    expect(response.status).toBe(200);
    const slowed = server.logs.slice(logged).find((line) => line.includes('"event":"login_slowed"'));
    expect(JSON.parse(slowed!)).toMatchObject({ security: { event: 'login_slowed', delayMs: 500 } });
  });

  it('6. bounds logins per address, successful ones included', async () => {
    const ip = nextIp();
    const answers = [];
    for (let attempt = 0; attempt < 4; attempt += 1) answers.push((await login(PASSWORD, ip)).status);
    expect(answers).toEqual([200, 200, 200, 429]);
  });

  it('9. takes the client address TRUST_PROXY hops back in X-Forwarded-For, not the left-most', async () => {
    const response = await login(PASSWORD, '127.0.0.9', { 'x-forwarded-for': '203.0.113.66, 198.51.100.23' });
    expect(response.status).toBe(200);
    const addresses = await server.services.database.db.selectFrom('refresh_tokens').select('ip').execute();
    expect(addresses.map(({ ip }) => ip)).toContain('198.51.100.23');
    expect(addresses.map(({ ip }) => ip)).not.toContain('203.0.113.66');
    expect(addresses.map(({ ip }) => ip)).not.toContain('127.0.0.9');
  });
});

import { IssueTokenDocument, MeDocument } from '../../clients/typescript/src/index';
import { execute, startTestServer, type TestServer } from '../helpers/server';

describe('issueToken over HTTP', () => {
  let server: TestServer;
  let admin: string;
  let reader: string;

  beforeAll(async () => {
    server = await startTestServer();
    // issueToken checks its caller's account in the database: the admin is a real, active user.
    const ops = await server.services.users.createUser(
      { username: 'ops', password: 'an operator passphrase', scopes: ['admin', 'read'] },
      {},
    );
    admin = server.tokens.issue({ subject: ops.id, username: 'ops', scopes: ['admin', 'read'] }).token;
    reader = server.tokens.issue({ subject: '7', username: 'Reader', scopes: ['read'] }).token;
  });
  afterAll(() => server.close());

  const input = { subject: 'billing-service', username: 'billing', scopes: ['read'] };

  it('lets an admin mint a token for a service, which the API then accepts', async () => {
    const response = await execute(
      server.app,
      IssueTokenDocument,
      { input: { ...input, expiresIn: 120 } },
      { token: admin },
    );
    expect(response.status).toBe(200);
    const issued = response.body.data!.issueToken!;
    expect(issued).toMatchObject({ tokenType: 'Bearer', scopes: ['read'] });
    const lifetime = (Date.parse(issued.expiresAt) - Date.now()) / 1000;
    expect(lifetime).toBeGreaterThan(100);
    expect(lifetime).toBeLessThanOrEqual(120);

    const me = await execute(server.app, MeDocument, {}, { token: issued.accessToken });
    expect(me.body.data?.me).toMatchObject({
      id: 'billing-service',
      greeting: 'Hey billing',
      scopes: ['read'],
    });
    const minted = await server.services.auditLog.page({ type: 'token.minted' }, 1);
    expect(minted.events[0]?.details).toEqual({
      subject: 'billing-service',
      username: 'billing',
      scopes: ['read'],
      tokenId: issued.tokenId,
      expiresAt: issued.expiresAt,
    });
    expect(server.logs.join('\n')).not.toContain(issued.accessToken);
  });

  it('refuses to grant a scope the caller does not hold, and issues nothing', async () => {
    const before = (await server.services.auditLog.page({ type: 'token.minted' }, 200)).events.length;
    const response = await execute(
      server.app,
      IssueTokenDocument,
      { input: { ...input, scopes: ['read', 'superuser'] } },
      { token: admin },
    );
    expect(response.status).toBe(403);
    expect(response.body.data).toEqual({ issueToken: null });
    expect(response.body.errors).toEqual([
      expect.objectContaining({
        message: 'You cannot grant scopes you do not hold: superuser.',
        extensions: {
          code: 'FORBIDDEN',
          reason: 'CANNOT_GRANT',
          requiredScopes: ['read', 'superuser'],
          missingScopes: ['superuser'],
        },
      }),
    ]);
    expect((await server.services.auditLog.page({ type: 'token.minted' }, 200)).events).toHaveLength(before);
  });

  it('requires tokens:issue (or admin): 403 with an insufficient_scope challenge', async () => {
    const response = await execute(server.app, IssueTokenDocument, { input }, { token: reader });
    expect(response.status).toBe(403);
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="graphql-jwt-api", error="insufficient_scope", scope="tokens:issue"',
    );
    expect(response.body.errors).toEqual([
      expect.objectContaining({
        path: ['issueToken'],
        extensions: {
          code: 'FORBIDDEN',
          reason: 'SCOPE_MISSING',
          requiredScopes: ['tokens:issue'],
          missingScopes: ['tokens:issue'],
        },
      }),
    ]);
    expect(response.raw).not.toContain('Not Authorised');
  });

  it('requires a token: 401', async () => {
    const response = await execute(server.app, IssueTokenDocument, { input });
    expect(response.status).toBe(401);
    expect(response.body.errors?.[0]?.extensions).toEqual({
      code: 'UNAUTHENTICATED',
      reason: 'AUTHENTICATION_REQUIRED',
    });
  });

  it.each([
    ['a lifetime over JWT_MAX_TTL', { ...input, expiresIn: 86_400 }, 'expiresIn'],
    ['a negative lifetime', { ...input, expiresIn: -1 }, 'expiresIn'],
    ['an empty subject', { ...input, subject: '' }, 'subject'],
    ['an over-long username', { ...input, username: 'x'.repeat(101) }, 'username'],
  ])('refuses %s with BAD_USER_INPUT', async (_case, badInput, field) => {
    const response = await execute(server.app, IssueTokenDocument, { input: badInput }, { token: admin });
    expect(response.status).toBe(200);
    expect(response.body.errors).toEqual([
      expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field } }),
    ]);
  });

  it('refuses claims outside the input type before any resolver runs', async () => {
    const response = await execute(
      server.app,
      IssueTokenDocument,
      { input: { ...input, email: 'ops@example.com' } as typeof input },
      { token: admin },
    );
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

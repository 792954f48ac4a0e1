import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { accessMatrix, type AccessMatrix, renderMatrix } from '../../src/permissions/access-matrix';
import { closeHierarchy } from '../../src/scopes/hierarchy';
import { BUILT_IN_HIERARCHY } from '../../src/scopes/vocabulary';
import {
  type LiveCaller,
  liveMismatches,
  MATRIX_PASSWORD,
  type MatrixRequest,
  provisionCallers,
} from '../helpers/access-matrix';
import { describeEngines } from '../helpers/databases';
import { foreignIssuer } from '../helpers/foreign-issuer';
import { startTestServerOn, type TestServer } from '../helpers/server';

const METRICS_TOKEN = 'matrix-metrics-token-0123456789abcdefghij';
const CLIENT = { ip: '127.0.0.1', userAgent: 'matrix' };
/** An id no account has: the administrative mutations probed with it run, and change nothing. */
const NO_SUCH_USER = '00000000-0000-4000-8000-00000000dead';

/** One request per root field of the API, each aliasing its field `probe`; owner rows name an account. */
function requests(
  otherAccount: () => string,
  sessionOf: (subject: string) => string,
): Record<string, MatrixRequest> {
  const ownOrOther = (caller: LiveCaller, whose: 'own' | 'other') => ({
    id: whose === 'own' ? caller.subject : otherAccount(),
  });
  const ownOrOtherSession = (caller: LiveCaller, whose: 'own' | 'other') => ({
    id: sessionOf(whose === 'own' ? caller.subject : otherAccount()),
  });
  return {
    'Query.me': { query: '{ probe: me { greeting } }' },
    'Query.permissions': { query: '{ probe: permissions { operation } }' },
    'Query.users': { query: '{ probe: users(first: 1) { nodes { id } } }' },
    'Query.user': { query: 'query($id: ID!) { probe: user(id: $id) { id } }', variables: ownOrOther },
    'Query.auditEvents': { query: '{ probe: auditEvents(first: 1) { nodes { type } } }' },
    'Mutation.login': {
      query:
        'mutation { probe: login(username: "matrix-nobody", password: "not the password") { accessToken } }',
    },
    'Mutation.refreshToken': {
      query: 'mutation { probe: refreshToken(refreshToken: "not-a-refresh-token") { accessToken } }',
    },
    'Mutation.logout': { query: 'mutation { probe: logout(refreshToken: "not-a-refresh-token") }' },
    'Mutation.changePassword': {
      query:
        'mutation { probe: changePassword(currentPassword: "not the password", newPassword: "a brand new passphrase") { accessToken } }',
    },
    'Mutation.revokeSession': {
      query: 'mutation($id: ID!) { probe: revokeSession(id: $id) }',
      variables: ownOrOtherSession,
      last: 1,
    },
    'Mutation.revokeOtherSessions': { query: 'mutation { probe: revokeOtherSessions }', last: 1 },
    // Ends every token of the caller's, so after everything else.
    'Mutation.revokeAllSessions': { query: 'mutation { probe: revokeAllSessions }', last: 2 },
    'Mutation.issueToken': {
      query:
        'mutation { probe: issueToken(input: { subject: "matrix-service", username: "matrix", scopes: [] }) { tokenId } }',
    },
    'Mutation.revokeToken': { query: 'mutation { probe: revokeToken(tokenId: "matrix-no-such-token") }' },
    'Mutation.createUser': {
      query: 'mutation { probe: createUser(input: { username: "matrix-new", password: "short" }) { id } }',
    },
    'Mutation.setUserScopes': {
      query: `mutation { probe: setUserScopes(userId: "${NO_SUCH_USER}", scopes: []) { id } }`,
    },
    'Mutation.disableUser': { query: `mutation { probe: disableUser(userId: "${NO_SUCH_USER}") { id } }` },
    'Mutation.enableUser': { query: `mutation { probe: enableUser(userId: "${NO_SUCH_USER}") { id } }` },
    'Subscription.viewerEvents': { query: 'subscription { probe: viewerEvents { type } }' },
    'Subscription.auditEvents': { query: 'subscription { probe: auditEvents { type } }' },
  };
}

describe('the committed access matrix', () => {
  it('is what the permission map decides (docs/authorization.md, also checked by npm run check:authz)', async () => {
    const { defineApi } = await import('../../src/modules/api-definition');
    const api = defineApi();
    const closure = closeHierarchy(BUILT_IN_HIERARCHY);
    const matrix = await accessMatrix(api.permissions, Object.keys(api.scopes), closure);
    const committed = readFileSync(join(__dirname, '..', '..', 'docs', 'authorization.md'), 'utf8');
    expect(committed).toBe(renderMatrix(matrix));
  });
});

describeEngines('the access matrix, cell by cell against the live server', (database) => {
  const foreign = foreignIssuer();
  let server: TestServer;
  let wsUrl: string;
  let matrix: AccessMatrix;
  let other = '';

  beforeAll(async () => {
    server = await startTestServerOn(database, {
      env: {
        ...foreign.env,
        METRICS_TOKEN,
        LOGIN_MAX_FAILURES_PER_USERNAME_AND_IP: '1000',
        LOGIN_MAX_FAILURES_PER_IP: '1000',
      },
    });
    const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
    wsUrl = `${address.replace('http', 'ws')}/graphql`;
    const { api } = server.services;
    matrix = await accessMatrix(api.permissions, Object.keys(api.scopes), closeHierarchy(BUILT_IN_HIERARCHY));
    other = (
      await server.services.users.createUser(
        { username: 'matrix-other', password: MATRIX_PASSWORD, scopes: [] },
        {},
      )
    ).id;
  });
  afterAll(() => server.close());

  it('answers every field, for every kind of caller, exactly as the matrix says, over HTTP and WebSocket', async () => {
    const callers = await provisionCallers(server, matrix.columns, foreign);
    // A signed-in session for each account that can sign in, and for the other account: revokeSession's own
    // and other's. Callers without one name a session that does not exist (the answer is the same).
    const sessions = new Map<string, string>();
    const signIn = async (userId: string, username: string) =>
      sessions.set(
        userId,
        (await server.services.accounts.login(username, MATRIX_PASSWORD, CLIENT)).sessionId,
      );
    await signIn(other, 'matrix-other');
    for (const caller of callers) {
      const who = caller.column.caller;
      if (caller.username && who.kind === 'token' && who.account === 'active') {
        await signIn(caller.subject, caller.username);
      }
    }
    const mismatches = await liveMismatches({
      server,
      wsUrl,
      metricsToken: METRICS_TOKEN,
      matrix,
      callers,
      requests: requests(
        () => other,
        (subject) => sessions.get(subject) ?? 'no-session-of-its-own',
      ),
    });
    expect(mismatches).toEqual([]);
  }, 120_000);
});

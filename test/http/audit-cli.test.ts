import { join } from 'node:path';
import { describeEngines } from '../helpers/databases';
import { freshEnv, runCli } from '../helpers/process';
import { execute, startTestServer } from '../helpers/server';

/** A username an attacker types into a login form (lower case, as the trail keeps it): a bidi override, a C1 CSI, ESC, a line separator. */
const HOSTILE_NAME = 'admin\u202e\u009b31m\u001b[2j\u2028x';
/** A user agent with a C1 CSI (0x9B: HTTP header bytes are read as Latin-1) and a NEL. */
const HOSTILE_AGENT = 'curl/8 \u009b2J \u0085next';
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

describeEngines('npm run audit, in a terminal', (database) => {
  it('escapes every control, bidi and format character clients wrote, and the JSON still reads back', async () => {
    const where = freshEnv();
    const created = await database.create();
    const url = database.engine === 'sqlite' ? `sqlite:${join(where.cwd, 'audit.sqlite')}` : created.url;
    const server = await startTestServer({ env: { DATABASE_URL: url } });
    try {
      await execute(
        server.app,
        'mutation($u: String!) { login(username: $u, password: "not the password") { accessToken } }',
        { u: HOSTILE_NAME },
        { headers: { 'user-agent': HOSTILE_AGENT } },
      );
      const admin = await server.services.users.createUser(
        { username: 'auditor', password: 'audit cli 0123456', scopes: ['audit:read'] },
        {},
      );
      const token = server.tokens.issue({
        subject: admin.id,
        username: 'auditor',
        scopes: ['audit:read'],
      }).token;
      // Over GraphQL it is data: JSON-escaped by the response, never interpreted, exactly what was sent.
      const page = await execute(
        server.app,
        '{ auditEvents(first: 5, filter: { type: "login.failed" }) { nodes { username userAgent } } }',
        {},
        { token },
      );
      expect(page.body.data).toEqual({
        auditEvents: { nodes: [{ username: HOSTILE_NAME, userAgent: HOSTILE_AGENT }] },
      });
    } finally {
      await server.close();
    }
    try {
      const audit = runCli('audit', ['--since', '1h', '--type', 'login.failed'], {
        ...where,
        env: { ...where.env, DATABASE_URL: url },
      });
      expect(audit.status).toBe(0);
      const lines = audit.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).not.toMatch(UNSAFE);
      expect(lines[0]).toContain('\\u202e');
      expect(lines[0]).toContain('\\u009b');
      expect(lines[0]).toContain('\\u2028');
      expect(JSON.parse(lines[0]!)).toMatchObject({
        type: 'login.failed',
        username: HOSTILE_NAME,
        userAgent: HOSTILE_AGENT,
      });
    } finally {
      await created.drop();
    }
  });
});

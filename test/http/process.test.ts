import { statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { connect } from 'node:net';
import {
  DIST,
  freshEnv,
  runCli,
  runTokenCli,
  startServerProcess,
  type ServerProcess,
} from '../helpers/process';
import { until } from '../helpers/wait';

jest.setTimeout(30_000);

const ME = { query: '{ me { id username scopes greeting } }' };

/** POSTs a GraphQL request to a server process, as a client on the network would. */
function postGraphQL(url: string, payload: object, headers: Record<string, string> = {}) {
  return fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(payload),
  });
}

async function callMe(url: string, token: string) {
  const response = await postGraphQL(url, ME, { authorization: `Bearer ${token}` });
  return {
    status: response.status,
    body: (await response.json()) as { data?: { me: Record<string, unknown> } },
  };
}

describe('npm run token and npm start, as processes on a fresh checkout', () => {
  const where = freshEnv();
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess(where);
  });
  afterAll(() => {
    server.child.kill('SIGKILL');
  });

  it('prints only the token on stdout, and the CLI token works against the running dev server', async () => {
    const cli = runTokenCli(['--sub', '4', '--username', 'Jane', '--scope', 'admin', '--ttl', '1h'], where);
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(cli.stderr).toContain('development key');
    const response = await callMe(server.url, cli.stdout.trim());
    expect(response.status).toBe(200);
    expect(response.body.data?.me).toEqual({
      id: '4',
      username: 'Jane',
      scopes: ['admin'],
      greeting: 'Hey Jane',
    });
  });

  it('creates a demo admin on the first development start and shows its password once', async () => {
    const match = /username: admin\n\s+password: (\S+)/.exec(server.output());
    expect(match).not.toBeNull();
    const response = await postGraphQL(server.url, {
      query:
        'mutation($p: String!) { login(username: "admin", password: $p) { viewer { greeting scopes } } }',
      variables: { p: match![1] },
    });
    expect(await response.json()).toEqual({
      data: { login: { viewer: { greeting: 'Hey admin', scopes: ['admin'] } } },
    });
    // The password went to the terminal, not into a JSON log line.
    expect(
      server
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{') && line.includes(match![1]!)),
    ).toEqual([]);
  });

  it('writes JSON lines when its output is a pipe, and readable lines on a terminal', async () => {
    expect(server.output()).toMatch(/^\{"level":30,.*"msg":"GraphQL endpoint: /m);
    // script(1) gives the process a pseudo-terminal, as a developer's shell would.
    const tty = freshEnv({ PORT: '0', HOST: '127.0.0.1' });
    const child = spawn(
      'script',
      ['-qec', `${process.execPath} ${join(DIST, 'index.js')}`, '/dev/null'],
      tty,
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no endpoint line:\n${output}`)), 15_000);
      child.stdout.on('data', () => {
        if (/GraphQL endpoint/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGKILL');
    const line = output.split('\n').find((text) => text.includes('GraphQL endpoint'))!;
    expect(line).toMatch(/INFO.*GraphQL endpoint: http:\/\/127\.0\.0\.1:\d+\/graphql/);
    expect(line).not.toContain('{"level"');
  });

  it('accepts repeated and space-separated scopes', () => {
    const cli = runTokenCli(
      ['--sub', '4', '--username', 'Jane', '--scope', 'read write', '--scope', 'admin'],
      where,
    );
    const claims = JSON.parse(Buffer.from(cli.stdout.split('.')[1]!, 'base64url').toString()) as {
      scope: string;
    };
    expect(claims.scope).toBe('read write admin');
  });

  it.each([
    [
      'a claim outside the allowed set',
      ['--sub', '4', '--username', 'Jane', '--email', 'j@example.com'],
      2,
      /Unknown option '--email'/,
    ],
    ['a missing subject', ['--username', 'Jane'], 2, /--sub and --username are required/],
    ['an unreadable lifetime', ['--sub', '4', '--username', 'Jane', '--ttl', 'forever'], 2, /--ttl/],
    [
      'a lifetime over JWT_MAX_TTL',
      ['--sub', '4', '--username', 'Jane', '--ttl', '2h'],
      1,
      /lifetime must be 1-3600 seconds/,
    ],
    ['a scope with a quote', ['--sub', '4', '--username', 'Jane', '--scope', 'a"b'], 1, /scopes must be/],
  ])('refuses %s, printing nothing on stdout', (_case, args, status, message) => {
    const cli = runTokenCli(args, where);
    expect(cli.status).toBe(status);
    expect(cli.stdout).toBe('');
    expect(cli.stderr).toMatch(message);
  });

  it('stays up on hostile headers and keeps every token out of its logs', async () => {
    const token = runTokenCli(['--sub', '9', '--username', 'Zed'], where).stdout.trim();
    for (const authorization of [`Bearer ${token}gh67j`, 'Bearer \u00ff', `Bearer ${'x'.repeat(12_000)}`]) {
      const response = await postGraphQL(server.url, ME, { authorization });
      expect(response.status).toBe(401);
    }
    expect((await callMe(server.url, token)).status).toBe(200);
    expect(server.output()).not.toContain(token.split('.')[2]!);
    expect(server.output()).not.toContain('Zed');
  });

  it('drains on SIGTERM: the request in flight completes, new connections are refused, exit code 0', async () => {
    const token = runTokenCli(['--sub', '4', '--username', 'Jane'], where).stdout.trim();
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let reply = '';
    socket.on('data', (chunk) => (reply += chunk.toString()));
    const replied = new Promise((resolve) => socket.once('end', resolve));
    // Send the headers and half the body, so the request is in flight when the signal arrives.
    const body = JSON.stringify(ME);
    socket.write(
      `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer ${token}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    server.child.kill('SIGTERM');
    // The listener closes once the signal is handled: new connections are refused from then on.
    const refused = () =>
      fetch(`${server.url}/healthz`).then(
        () => false,
        () => true,
      );
    await until(refused);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    socket.write(body.slice(10));
    await replied;
    expect(reply).toMatch(/^HTTP\/1\.1 200/);
    expect(reply).toContain('"greeting":"Hey Jane"');
    expect(await server.exited).toBe(0);
  });
});

describe('shutdown under load', () => {
  /** One `me` request: its status and shutdown headers, or the network error a client would see. */
  const send = (url: string, token: string) =>
    postGraphQL(url, ME, { authorization: `Bearer ${token}` }).then(
      async (response) => {
        await response.arrayBuffer();
        return { status: response.status, retryAfter: response.headers.get('retry-after') };
      },
      (error: Error & { cause?: { code?: string } }) => ({ error: error.cause?.code ?? error.message }),
    );

  it('answers every request in flight at SIGTERM and every one sent while draining: no resets, exit 0', async () => {
    const where = freshEnv({ SHUTDOWN_DELAY: '1s' });
    const server = await startServerProcess(where);
    const token = runTokenCli(['--sub', '4', '--username', 'Jane'], where).stdout.trim();
    // Kept-alive connections, as a load balancer or an SDK holds them.
    await Promise.all(Array.from({ length: 20 }, () => send(server.url, token)));

    const inFlight = Array.from({ length: 120 }, () => send(server.url, token));
    server.child.kill('SIGTERM');
    await until(async () => (await fetch(`${server.url}/readyz`)).status === 503);
    const readiness = await fetch(`${server.url}/readyz`);
    expect([readiness.status, await readiness.json()]).toEqual([503, { status: 'draining' }]);
    const whileDraining = Array.from({ length: 60 }, () => send(server.url, token));

    const results = await Promise.all([...inFlight, ...whileDraining]);
    expect(results.filter((result) => 'error' in result)).toEqual([]);
    const answered = results.flatMap((result) => ('error' in result ? [] : [result]));
    expect(answered.filter((result) => result.status !== 200 && !result.retryAfter)).toEqual([]);
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('draining: /readyz answers 503');
  });
});

describe('the operator CLIs: migrate, user:create, user:list, audit', () => {
  const where = freshEnv();

  it('migrates a new database, then reports it up to date', () => {
    expect(runCli('migrate', [], where)).toMatchObject({
      status: 0,
      stderr:
        'applied: 0001_users_and_refresh_tokens, 0002_revocations_and_audit_events, 0003_session_devices\n',
    });
    expect(runCli('migrate', [], where)).toMatchObject({ status: 0, stderr: 'already up to date\n' });
  });

  it('creates a user with the password from stdin, never from argv, and lists it', async () => {
    const created = runCli(
      'user',
      ['create', '--username', 'ada', '--scopes', 'admin read'],
      where,
      'a long and secret phrase\n',
    );
    expect(created.status).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ username: 'ada', scopes: ['admin', 'read'] });
    expect(created.stdout + created.stderr).not.toContain('a long and secret phrase');

    const listed = runCli('user', ['list'], where);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(/\tada\tadmin read\tfalse\t/);

    const server = await startServerProcess(where);
    try {
      const response = await postGraphQL(server.url, {
        query: 'mutation { login(username: "ADA", password: "a long and secret phrase") { viewer { id } } }',
      });
      expect(response.status).toBe(200);
      await postGraphQL(server.url, {
        query: 'mutation { login(username: "ada", password: "not the right phrase") { viewer { id } } }',
      });
      // Users already exist, so no demo admin is made.
      expect(server.output()).not.toContain('demo admin');
    } finally {
      server.child.kill('SIGKILL');
    }

    const audit = runCli('audit', ['--since', '1h', '--user', 'Ada'], where);
    expect(audit.status).toBe(0);
    const events = audit.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.map((event) => event.type)).toEqual(['user.created', 'login.succeeded', 'login.failed']);
    expect(events[2]).toMatchObject({ username: 'ada', ip: '127.0.0.1' });
    expect(audit.stdout).not.toContain('phrase');
    expect(runCli('audit', ['--since', 'soon'], where)).toMatchObject({ status: 2 });
    expect(runCli('audit', ['--type', 'nope'], where)).toMatchObject({ status: 2 });
    expect(runCli('audit', ['--user', 'nobody'], where)).toMatchObject({ status: 1 });
  });

  it.each([
    [
      'a weak password',
      ['create', '--username', 'bob'],
      'short\n',
      1,
      /password must be at least 12 characters/,
    ],
    [
      'a taken username',
      ['create', '--username', 'ADA'],
      'another long phrase\n',
      1,
      /username is already taken/,
    ],
    ['no username', ['create'], '', 2, /--username is required/],
    [
      'a password on the command line',
      ['create', '--username', 'bob', '--password', 'x'],
      '',
      2,
      /Unknown option '--password'/,
    ],
    ['an unknown command', ['delete'], '', 2, /Usage:/],
  ])('refuses %s', (_case, args, input, status, message) => {
    const result = runCli('user', args, where, input);
    expect(result.status).toBe(status);
    expect(result.stderr).toMatch(message);
  });
});

describe('npm run keys:generate, then signing with the new key', () => {
  it.each(['RS256', 'ES256'])('writes a %s key pair the server and the token CLI then use', async (alg) => {
    const where = freshEnv();
    const generated = runCli('keys', ['--alg', alg, '--out', `${where.cwd}/keys`], where);
    expect(generated.status).toBe(0);
    const { kid, privateKey } = JSON.parse(generated.stdout) as { kid: string; privateKey: string };
    expect(statSync(privateKey).mode & 0o777).toBe(0o600);
    expect(generated.stderr).toContain(`SIGNING_ALGORITHM=${alg}`);

    const env = { ...where.env, SIGNING_ALGORITHM: alg, SIGNING_PRIVATE_KEY_FILE: privateKey };
    const token = runTokenCli(['--sub', '7', '--username', 'Kim'], { ...where, env }).stdout.trim();
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toEqual({
      typ: 'JWT',
      alg,
      kid,
    });
    const server = await startServerProcess({ ...where, env });
    try {
      expect((await callMe(server.url, token)).body.data?.me.greeting).toBe('Hey Kim');
      const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as {
        keys: Array<{ kid: string }>;
      };
      expect(jwks.keys.map((key) => key.kid)).toEqual([kid]);
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('refuses an unknown algorithm', () => {
    expect(runCli('keys', ['--alg', 'HS256'], freshEnv())).toMatchObject({ status: 2 });
  });
});

describe('npm start in production without a key', () => {
  it('refuses to start and lists the problem', async () => {
    const where = freshEnv({ NODE_ENV: 'production', LOG_LEVEL: 'loud' });
    await expect(startServerProcess(where)).rejects.toThrow(
      /exited with 1[\s\S]*LOG_LEVEL: [\s\S]*SIGNING_KEY: required in production/,
    );
  });
});

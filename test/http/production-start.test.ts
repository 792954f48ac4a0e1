import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyRing, hmacKey } from '../../src/auth/key-ring';
import { createTokenService } from '../../src/auth/token-service';

const ROOT = join(__dirname, '../..');
const SECRET = 'production-start-secret-0123456789abcdefghij';

/**
 * The Dockerfile's steps that matter at run time, read from it so that the image and this test cannot
 * drift apart: the production install, the entrypoint and the health check.
 */
function dockerfile() {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const instruction = (name: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`${name} `))
      .map((line) => line.slice(name.length + 1));
  const install = instruction('RUN').find((command) => command.includes('--omit=dev'))!;
  const healthcheck = instruction('HEALTHCHECK')[0]!;
  return {
    install: install.split(' '),
    entrypoint: JSON.parse(instruction('ENTRYPOINT').at(-1)!) as string[],
    healthcheck: JSON.parse(healthcheck.slice(healthcheck.indexOf('CMD ') + 4)) as string[],
    user: instruction('USER').at(-1),
  };
}

// What an operator deploys: the built server (`npm run build`) with the production dependencies alone
// (`npm ci --omit=dev`), started with `npm run start:prod`, which runs no TypeScript. The install reads
// the npm registry (or npm's cache), hence the long timeout.
describe('the production start, without dev dependencies', () => {
  let app: string;
  let server: ChildProcess | undefined;

  beforeAll(() => {
    app = mkdtempSync(join(tmpdir(), 'api-production-'));
    cpSync(join(ROOT, 'dist'), join(app, 'dist'), { recursive: true });
    for (const file of ['package.json', 'package-lock.json']) cpSync(join(ROOT, file), join(app, file));
    const [command, ...args] = dockerfile().install;
    expect([command, ...args.slice(0, 2)]).toEqual(['npm', 'ci', '--omit=dev']);
    const installed = spawnSync(command!, args, {
      cwd: app,
      encoding: 'utf8',
      timeout: 480_000,
    });
    if (installed.status !== 0) throw new Error(`npm ci --omit=dev failed:\n${installed.stderr}`);
  }, 540_000);
  afterAll(() => {
    // npm runs the server as its child: the whole process group goes.
    if (server?.pid) process.kill(-server.pid, 'SIGKILL');
  });

  it('installs no TypeScript, no test or build tool', () => {
    for (const devTool of ['typescript', 'jest', 'ts-jest', '@graphql-codegen/cli', 'eslint']) {
      expect(existsSync(join(app, 'node_modules', devTool))).toBe(false);
    }
  });

  it("runs in the image as the Dockerfile says: start:prod's command, as a user other than root", () => {
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(dockerfile().entrypoint).toEqual(scripts['start:prod']!.split(' '));
    expect(dockerfile().user).toBe('node');
  });

  it('starts with npm run start:prod and answers /healthz and me', async () => {
    server = spawn('npm', ['run', '-s', 'start:prod'], {
      cwd: app,
      detached: true,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        SIGNING_KEY: SECRET,
        DATA_DIR: join(app, '.data'),
        HOST: '127.0.0.1',
        PORT: '0',
      },
    });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start:\n${output}`)), 30_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /GraphQL endpoint: (http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      server!.stdout!.on('data', read);
      server!.stderr!.on('data', read);
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    const token = createTokenService({
      keyRing: createKeyRing([hmacKey('default', SECRET)]),
      issuer: 'graphql-jwt-api',
      audience: 'graphql-jwt-api',
      accessTokenTtlSeconds: 300,
      maxTokenTtlSeconds: 300,
      clockToleranceSeconds: 5,
      trustedTokenMaxTtlSeconds: 300,
    }).issue({ subject: 'ops-check', username: 'Ops', scopes: [] }).token;
    const me = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { greeting } }' }),
    });
    expect(await me.json()).toEqual({ data: { me: { greeting: 'Hey Ops' } } });

    // The image's HEALTHCHECK command, run against this server and then against a closed port.
    const [node, ...check] = dockerfile().healthcheck;
    const probe = (port: string) =>
      spawnSync(node === 'node' ? process.execPath : node!, check, {
        cwd: app,
        env: { PATH: process.env.PATH, PORT: port },
        timeout: 10_000,
      }).status;
    expect(probe(new URL(url).port)).toBe(0);
    expect(probe('1')).toBe(1);
  }, 60_000);
});

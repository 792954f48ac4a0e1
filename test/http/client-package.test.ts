import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshEnv, type ServerProcess, startServerProcess } from '../helpers/process';

const ROOT = join(__dirname, '../..');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const version = (name: string) =>
  (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
    .version;

/** What a client developer writes: log in, call me, and keep working through an expiry. */
const PROGRAM = `
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { AuthSession, LoginDocument, MeDocument, type SignOutReason } from '@graphql-jwt-api/client';
import { createAuthLink } from '@graphql-jwt-api/client/apollo';

// skipLibCheck hides errors in declaration files (Apollo Client's own dependencies have some under
// NodeNext), so an unresolvable import in ours would silently make its exports \`any\`: these fail then.
type IsAny<T> = 0 extends 1 & T ? true : false;
const typed: [IsAny<typeof MeDocument>, IsAny<typeof AuthSession>, IsAny<typeof createAuthLink>] = [false, false, false];
void typed;

const url = process.env.API_URL!;
let refreshes = 0;
const counting: typeof fetch = async (input, init) => {
  if (typeof init?.body === 'string' && init.body.includes('"RefreshToken"')) refreshes += 1;
  return fetch(input, init);
};
const signOuts: SignOutReason[] = [];
const session = new AuthSession({ url, fetch: counting, onSignOut: (reason) => signOuts.push(reason) });
const client = new ApolloClient({
  link: ApolloLink.from([createAuthLink(session), new HttpLink({ uri: url })]),
  cache: new InMemoryCache(),
  queryDeduplication: false,
});

const login = await client.mutate({
  mutation: LoginDocument,
  variables: { username: 'admin', password: process.env.API_PASSWORD! },
});
await session.signIn(login.data!.login!);
const before = await client.query({ query: MeDocument, fetchPolicy: 'network-only' });
// JWT_TTL is four seconds on this server (time for a loaded CI machine to finish the retries with the new
// token): after the wait, every token the next requests carry has expired.
await new Promise((resolve) => setTimeout(resolve, 4500));
const after = await Promise.all(
  Array.from({ length: 20 }, () => client.query({ query: MeDocument, fetchPolicy: 'no-cache' })),
);
const greeting: string = before.data!.me.greeting;
console.log(JSON.stringify({ greeting, after: after.map((result) => result.data?.me.greeting), refreshes, signOuts }));
`;

const TSCONFIGS = {
  'tsconfig.nodenext.json': { module: 'NodeNext', moduleResolution: 'NodeNext', outDir: 'out' },
  'tsconfig.bundler.json': { module: 'ESNext', moduleResolution: 'Bundler', noEmit: true },
};

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 240_000 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

// A project outside the repository, as a client team has: it installs the packed package by path with
// its own copies of its peers, and type-checks under both module resolutions a TypeScript app uses today.
describe('the client package in a consumer project', () => {
  let consumer: string;
  let server: ServerProcess;

  beforeAll(async () => {
    const work = mkdtempSync(join(tmpdir(), 'client-consumer-'));
    // As a team publishing it would: `npm pack` in the package, whose prepack builds it from a clean tree.
    rmSync(join(ROOT, 'clients/typescript/dist'), { recursive: true, force: true });
    run('npm', ['pack', '--silent', '--pack-destination', work], join(ROOT, 'clients/typescript'));
    const tarball = readdirSync(work).find((file) => file.endsWith('.tgz'))!;
    consumer = join(work, 'app');
    mkdirSync(join(consumer, 'src'), { recursive: true });
    writeFileSync(
      join(consumer, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        private: true,
        type: 'module',
        dependencies: {
          '@graphql-jwt-api/client': `file:../${tarball}`,
          '@apollo/client': version('@apollo/client'),
          graphql: version('graphql'),
          rxjs: version('rxjs'),
          '@types/node': version('@types/node'),
        },
      }),
    );
    for (const [file, options] of Object.entries(TSCONFIGS)) {
      const compilerOptions = {
        target: 'ES2022',
        strict: true,
        skipLibCheck: true,
        types: ['node'],
        ...options,
      };
      writeFileSync(join(consumer, file), JSON.stringify({ compilerOptions, include: ['src'] }));
    }
    writeFileSync(join(consumer, 'src/main.ts'), PROGRAM);
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], consumer);
    server = await startServerProcess(freshEnv({ JWT_TTL: '4s', JWT_CLOCK_TOLERANCE: '0' }));
  }, 300_000);
  afterAll(() => {
    server?.child.kill('SIGKILL');
  });

  it.each(Object.keys(TSCONFIGS))('type-checks under %s', (tsconfig) => {
    run(
      process.execPath,
      [TSC, '-p', tsconfig, ...(tsconfig.includes('bundler') ? [] : ['--noEmit'])],
      consumer,
    );
  });

  it('logs in, calls me, and survives an expiry with one refresh for twenty requests', () => {
    run(process.execPath, [TSC, '-p', 'tsconfig.nodenext.json'], consumer);
    const password = /username: admin\n\s+password: (\S+)/.exec(server.output())![1]!;
    const output = run(process.execPath, ['out/main.js'], consumer, {
      PATH: process.env.PATH,
      API_URL: `${server.url}/graphql`,
      API_PASSWORD: password,
    });
    expect(JSON.parse(output)).toEqual({
      greeting: 'Hey admin',
      after: Array(20).fill('Hey admin'),
      refreshes: 1,
      signOuts: [],
    });
  }, 30_000);
});

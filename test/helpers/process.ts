import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DIST = join(__dirname, '../../dist');

/**
 * An environment with nothing from the developer's shell but PATH, run from an empty folder (so no `.env`
 * is picked up): development mode with its own data folder, as on a fresh clone.
 */
export function freshEnv(extra: Record<string, string> = {}): { env: NodeJS.ProcessEnv; cwd: string } {
  const cwd = mkdtempSync(join(tmpdir(), 'api-process-'));
  return {
    cwd,
    env: { PATH: process.env.PATH, NODE_ENV: 'development', DATA_DIR: join(cwd, '.data'), ...extra },
  };
}

/** Runs one of the compiled CLIs (dist/cli/<name>.js) to completion, with `input` on stdin. */
export function runCli(
  name: string,
  args: string[],
  where: { env: NodeJS.ProcessEnv; cwd: string },
  input = '',
) {
  const result = spawnSync(process.execPath, [join(DIST, `cli/${name}.js`), ...args], {
    ...where,
    input,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export const runTokenCli = (args: string[], where: { env: NodeJS.ProcessEnv; cwd: string }) =>
  runCli('token', args, where);

export interface ServerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/** Starts `node dist/index.js` on an ephemeral loopback port and resolves once it listens. */
export function startServerProcess(where: { env: NodeJS.ProcessEnv; cwd: string }): Promise<ServerProcess> {
  const child = spawn(process.execPath, [join(DIST, 'index.js')], {
    cwd: where.cwd,
    env: { ...where.env, HOST: '127.0.0.1', PORT: '0' },
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /GraphQL endpoint: (http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => output, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
}

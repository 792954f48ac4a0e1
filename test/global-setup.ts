import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { TEST_POSTGRES_URL } from './helpers/databases';

async function postgresAnswers(): Promise<string | undefined> {
  const client = new Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Builds the compiled output the process tests run (exactly what `npm start` runs), and decides once
 * whether the PostgreSQL half of the data-layer suites can run.
 */
export default async function globalSetup(): Promise<void> {
  const root = join(__dirname, '..');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );

  // The explorer's browser test needs Debian's Chromium: .ci/run installs it; elsewhere it may be missing.
  if (existsSync('/usr/bin/chromium')) process.env.TEST_CHROMIUM_AVAILABLE = '1';
  else if (process.env.CI === 'true')
    throw new Error('/usr/bin/chromium is required under CI (.ci/run installs it)');
  else {
    process.env.TEST_CHROMIUM_AVAILABLE = '0';
    process.stderr.write(
      "\nSKIPPING the browser tests (test/http/explorer.test.ts, and Studio's origin in test/http/graphos.test.ts): /usr/bin/chromium is missing (apt-get install -y chromium).\n",
    );
  }

  const problem = await postgresAnswers();
  const where = new URL(TEST_POSTGRES_URL).host;
  if (!problem) {
    process.env.TEST_POSTGRES_AVAILABLE = '1';
    return;
  }
  if (process.env.CI === 'true') {
    throw new Error(`PostgreSQL at ${where} is required under CI and did not answer: ${problem}`);
  }
  process.env.TEST_POSTGRES_AVAILABLE = '0';
  process.stderr.write(
    `\nSKIPPING the PostgreSQL data-layer suites: no PostgreSQL answered at ${where} (${problem}).\n` +
      'They run against SQLite only. Start PostgreSQL or set TEST_DATABASE_URL to run them too; under CI they are required.\n\n',
  );
}

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** The process tests (CLI, server binary, shutdown) run the compiled output, exactly what `npm start` runs. */
export default function globalSetup(): void {
  const root = join(__dirname, '..');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
}

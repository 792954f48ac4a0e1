/** @type {import('jest').Config} */
module.exports = {
  // ts-jest compiles with tsc, which emits the decorator metadata type-graphql needs (esbuild would not).
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/examples'],
  testMatch: ['**/*.test.ts'],
  // The client package is ESM and imports its siblings as `./x.js` (NodeNext); here they are the .ts sources.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  setupFiles: ['<rootDir>/test/setup.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  // Unit tests and HTTP tests both start quickly; two workers fit the two-core machines.
  maxWorkers: 2,
  // Not an open handle: with every handle closed (checked per worker), a worker that ran ts-jest still takes
  // 0.5-1 s to exit on a busy machine, past jest's default 500 ms, and was force-exited with a warning that
  // said "leak". Four one-line TypeScript tests reproduce it; the same tests in plain JavaScript do not, and
  // a worker given 2 s exits by itself, without the run taking longer.
  workerGracefulExitTimeout: 2000,
};

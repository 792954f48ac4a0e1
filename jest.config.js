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
};

/** @type {import('jest').Config} */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- jest.config.js is CommonJS
const swc = ['@swc/jest', require('./tests/setup/swc-options')];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': swc },
  setupFiles: ['<rootDir>/tests/setup/reflect.ts'],
  // Builds src/ and migrations/ once per run for the tests that start the service as a process.
  globalSetup: '<rootDir>/tests/setup/process-build.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/tests/support/skipped-reporter.js'],
};

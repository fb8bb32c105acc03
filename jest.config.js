/**
 * Test tiers as jest projects: unit (pure, no network), integration (real DynamoDB Local started
 * once per run), infra (CDK template assertions) and e2e (the local server over HTTP).
 * TypeScript is compiled by @swc/jest to ESM; run with --experimental-vm-modules (middy is ESM-only).
 */
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
    },
  ],
};

const base = {
  transform,
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@shared/(.*)$': '<rootDir>/shared/$1',
    '^@functions/(.*)$': '<rootDir>/functions/$1',
  },
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/support/environment.ts'],
};

/** @type {import('jest').Config} */
export default {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/dynamodb-local-setup.ts',
      globalTeardown: '<rootDir>/test/support/dynamodb-local-teardown.ts',
    },
    { ...base, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  ],
  testTimeout: 60_000,
};

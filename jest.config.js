/** Jest runs unit tests (engine, server helpers) and integration tests that boot the real playground Strapi. */
const path = require('path');

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', tsx: true },
      target: 'es2022',
      transform: { react: { runtime: 'automatic' } },
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  testPathIgnorePatterns: ['/node_modules/', '/tests/e2e/'],
  transform: { '^.+\\.(t|j)sx?$': swc },
  // Strapi and its dependencies ship CommonJS; only our TypeScript needs transforming.
  transformIgnorePatterns: ['/node_modules/'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
  // Strapi loads the plugin from its package export (dist/server/index.js, which must exist: `npm run
  // build`); tests run the TypeScript source in its place, so they never test a stale build.
  moduleNameMapper: {
    [`^${escapeRegExp(path.join(__dirname, 'dist/server/index.js'))}$`]: '<rootDir>/server/src/index.ts',
  },
  testTimeout: 120000,
  // The plugin's Redis commands fail as on a Redis Cluster when their keys span slots (tests/helpers/slot-check.ts).
  setupFilesAfterEnv: ['<rootDir>/tests/helpers/slot-check-setup.ts'],
};

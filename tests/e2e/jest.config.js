/**
 * Browser end-to-end tests: the built playground admin driven by Debian's chromium through
 * playwright-core. Run after `npm run build`: `jest -c tests/e2e/jest.config.js --runInBand`.
 */
const path = require('path');

const base = require('../../jest.config');

module.exports = {
  ...base,
  rootDir: path.resolve(__dirname, '../..'),
  roots: ['<rootDir>/tests/e2e'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 300000,
};

// The high-availability suite (`npm run test:ha`): real TLS, Sentinel and Cluster setups, failovers
// included. Slower than the rest (about a minute), so `npm test` leaves it out and .ci/run runs both.
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/ha'],
  testPathIgnorePatterns: ['/node_modules/'],
};

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/ha (TLS, Sentinel, Cluster, failovers) is slow: `npm run test:ha` runs it (jest.ha.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/ha/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    // jose (under jwks-rsa) ships ES modules only; compile it to CommonJS for Jest like our own code.
    '^.+/node_modules/jose/.+\\.js$': ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/test/global-setup.js',
  testTimeout: 20000,
};

import NodeEnvironment from 'jest-environment-node';

/**
 * Jest's Node environment plus Node's own `require`, for test files that load jwks-rsa. jwks-rsa requires
 * jose, an ES module: Node 20.19+ can require it, Jest's module loader cannot before Node 24.9. Such a file
 * opts in with `@jest-environment ./test/auth/jwks.environment.ts` and hands jose to Jest with
 * `jest.mock('jose', () => requireNative('jose'))`, so the real jose runs, only loaded by Node.
 */
export default class JwksTestEnvironment extends NodeEnvironment {
  async setup(): Promise<void> {
    await super.setup();
    this.global.requireNative = require;
  }
}

declare global {
  // eslint-disable-next-line no-var
  var requireNative: NodeJS.Require;
}

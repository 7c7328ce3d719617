import { execFile } from 'node:child_process';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

/** Runs the built server with exactly `env` and resolves with how it ended. */
function runServer(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [MAIN],
      { env: { PATH: process.env.PATH, ...env }, timeout: 10_000 },
      (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
    );
  });
}

describe('a server started with a bad configuration', () => {
  it('prints every problem at once, without a stack trace, and exits 1', async () => {
    const { code, stderr } = await runServer({
      KEY_PREFIX: 'wave prod',
      PORT: 'eighty',
      REDIS_URL: 'http://cache:6379',
      SHUTDOWN_TIMEOUT: 'soon',
      REDIS_COMMAND_TIMEOUT: '2 seconds',
    });

    expect(code).toBe(1);
    for (const variable of ['PORT', 'REDIS_URL', 'SHUTDOWN_TIMEOUT', 'REDIS_COMMAND_TIMEOUT', 'KEY_PREFIX']) {
      expect(stderr).toMatch(new RegExp(`^  - ${variable}: `, 'm'));
    }
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});

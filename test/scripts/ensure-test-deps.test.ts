import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'ensure-test-deps.sh');
const BASH = '/bin/bash';

/**
 * Runs the script with PATH holding only `bin` (fakes of `id` and `apt-get`) and, when `withSystemTools`,
 * the system's own directories; the fake apt-get records its arguments instead of installing.
 */
function runScript(bin: string, { uid, withSystemTools }: { uid: number; withSystemTools: boolean }) {
  writeFileSync(join(bin, 'id'), `#!${BASH}\necho ${uid}\n`);
  writeFileSync(join(bin, 'apt-get'), `#!${BASH}\necho "$*" >> ${join(bin, 'apt-get.calls')}\n`);
  chmodSync(join(bin, 'id'), 0o755);
  chmodSync(join(bin, 'apt-get'), 0o755);
  const path = withSystemTools ? `${bin}:${process.env.PATH}` : bin;
  const run = spawnSync(BASH, [SCRIPT], { env: { PATH: path }, encoding: 'utf8' });
  const callsFile = join(bin, 'apt-get.calls');
  const aptCalls = existsSync(callsFile) ? readFileSync(callsFile, 'utf8').trim().split('\n') : [];
  return { status: run.status, output: run.stdout + run.stderr, aptCalls };
}

describe('scripts/ensure-test-deps.sh, the step before npm test', () => {
  let bin: string;
  beforeEach(() => {
    bin = mkdtempSync(join(tmpdir(), 'wave-deps-'));
  });
  afterEach(() => rmSync(bin, { recursive: true }));

  it('does nothing, not even apt-get update, when every tool is there', () => {
    const run = runScript(bin, { uid: 0, withSystemTools: true });
    expect(run).toEqual({ status: 0, output: '', aptCalls: [] });
  });

  it('stops at once, naming the exact command, when a tool is missing and it is not root', () => {
    const run = runScript(bin, { uid: 1000, withSystemTools: false });
    expect(run.status).toBe(1);
    expect(run.output).toContain('sudo apt-get install -y redis-server redis-tools openssl');
    expect(run.aptCalls).toEqual([]);
  });

  it('as root on Debian installs only what is missing with apt-get, saying what', () => {
    const run = runScript(bin, { uid: 0, withSystemTools: false });
    expect(run.output).toMatch(/installing.*: redis-server redis-tools openssl/);
    expect(run.aptCalls).toEqual(['update -qq', 'install -y -qq redis-server redis-tools openssl']);
  });
});

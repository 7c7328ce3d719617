import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleScript } from '../../src/redis/script-loader';
import { SCRIPT_DIR } from '../../src/redis/scripts';

describe('assembleScript (the --- @include loader)', () => {
  let dir: string;

  /** Writes the files (path → source) below a fresh directory. */
  function files(sources: Record<string, string>): void {
    for (const [path, source] of Object.entries(sources)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), source);
    }
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wave-lua-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts a helper in place of its include line', () => {
    files({
      'main.lua': '-- head\n--- @include "includes/one"\nreturn one()\n',
      'includes/one.lua': 'local function one() return 1 end\n',
    });
    expect(assembleScript(join(dir, 'main.lua'))).toBe('-- head\nlocal function one() return 1 end\nreturn one()\n');
  });

  it("writes a nested helper's own includes first, relative to the helper", () => {
    files({
      'main.lua': '--- @include "includes/outer"\n',
      'includes/outer.lua': '--- @include "inner"\nlocal function outer() return inner() end\n',
      'includes/inner.lua': 'local function inner() return 2 end\n',
    });
    expect(assembleScript(join(dir, 'main.lua'))).toBe('local function inner() return 2 end\nlocal function outer() return inner() end\n');
  });

  it('writes each helper once, however many files include it', () => {
    files({
      'main.lua': '--- @include "includes/a"\n--- @include "includes/b"\n--- @include "includes/shared"\n',
      'includes/a.lua': '--- @include "shared"\nA\n',
      'includes/b.lua': '--- @include "shared"\nB\n',
      'includes/shared.lua': 'SHARED\n',
    });
    expect(assembleScript(join(dir, 'main.lua'))).toBe('SHARED\nA\n\nB\n\n');
  });

  it('ends at a helper that includes itself or one that includes it back', () => {
    files({
      'main.lua': '--- @include "includes/a"\n',
      'includes/a.lua': '--- @include "b"\nA\n',
      'includes/b.lua': '--- @include "a"\nB\n',
    });
    expect(assembleScript(join(dir, 'main.lua'))).toBe('\nB\nA\n');
  });

  it('fails at load on a missing helper, naming the file that includes it', () => {
    files({ 'main.lua': '--- @include "includes/a"\n', 'includes/a.lua': '--- @include "gone"\n' });
    expect(() => assembleScript(join(dir, 'main.lua'))).toThrow(
      `${join(dir, 'includes/a.lua')} includes "gone", but ${join(dir, 'includes/gone.lua')} does not exist`,
    );
  });

  it('leaves a line that only mentions @include alone', () => {
    files({ 'main.lua': '-- see --- @include "x" in the docs\n' });
    expect(assembleScript(join(dir, 'main.lua'))).toBe('-- see --- @include "x" in the docs\n');
  });

  it.each(readdirSync(SCRIPT_DIR).filter((file) => file.endsWith('.lua')))(
    'assembles %s with no include left and each helper defined once',
    (file) => {
      const source = assembleScript(join(SCRIPT_DIR, file));
      expect(source).not.toMatch(/@include/);
      const defined = [...source.matchAll(/^local function (\w+)/gm)].map(([, name]) => name);
      expect(defined).toEqual([...new Set(defined)]);
    },
  );
});

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..');

describe('the import graph of src', () => {
  // ESLint's import-x/no-cycle skips `import type`; madge counts every import, types too.
  it('has no cycle, counting type-only imports (npx madge --circular --extensions ts src)', () => {
    const madge = spawnSync(join(root, 'node_modules', '.bin', 'madge'), ['--circular', '--json', '--extensions', 'ts', 'src'], {
      cwd: root,
      encoding: 'utf8',
    });
    // Exits 1 when it finds a cycle; the JSON lists each one as its chain of files.
    expect(JSON.parse(madge.stdout)).toEqual([]);
  });
});

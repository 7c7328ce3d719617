import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const ROOT = join(__dirname, '..', '..');
/** Room above the README's figure before the test fails: growth worth a look, not every new line. */
const GROWTH_ALLOWED = 0.1;

/** The figure the README's "Operator console" section states, in KB (1024 bytes). */
function statedKilobytes(): number {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Operator console'));
  const figure = /is \*\*(\d+) KB gzipped\*\*/.exec(section);
  if (!figure) throw new Error('The README\'s "Operator console" section states no "**<n> KB gzipped**" figure');
  return Number(figure[1]);
}

describe("the operator console's bundle (dist/console, built by test/global-setup.js)", () => {
  const gzippedKilobytes = gzipSync(readFileSync(join(ROOT, 'dist', 'console', 'console.js'))).length / 1024;

  it("stays within the README's gzipped size plus 10%", () => {
    expect(gzippedKilobytes).toBeLessThanOrEqual(statedKilobytes() * (1 + GROWTH_ALLOWED));
  });

  it('is not more than 10% smaller than the README says, so the figure stays true', () => {
    expect(gzippedKilobytes).toBeGreaterThanOrEqual(statedKilobytes() * (1 - GROWTH_ALLOWED));
  });

  it('stays under the 250 KB the issue aims for', () => {
    expect(gzippedKilobytes).toBeLessThan(250);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, ErrorCode } from '../src/error-codes';

/** The rows of the markdown table whose header line is `header`: first cell (a `code`) and second cell. */
function tableRows(file: string, header: string): [string, string][] {
  const lines = readFileSync(join(__dirname, '..', file), 'utf8').split('\n');
  const start = lines.indexOf(header);
  if (start === -1) throw new Error(`${file} has no table headed "${header}"`);
  const rows: [string, string][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const [code, text] = line
      .slice(1, -1)
      .split(' | ')
      .map((cell) => cell.trim());
    rows.push([code.replace(/^`|`$/g, ''), text]);
  }
  return rows;
}

describe('the error-code list', () => {
  it('names each code by itself', () => {
    for (const code of Object.keys(ERROR_CODES)) expect(ErrorCode[code as ErrorCode]).toBe(code);
  });

  it('is the only place in src/ that writes a code as a string', () => {
    const src = join(__dirname, '..', 'src');
    const literal = new RegExp(`['"](${Object.keys(ERROR_CODES).join('|')})['"]`);
    const writers = readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && file !== 'error-codes.ts')
      .filter((file) => literal.test(readFileSync(join(src, file), 'utf8')));
    expect(writers).toEqual([]);
  });

  it("is the README's code table, in order and with the same meanings", () => {
    expect(tableRows('README.md', '| code | meaning |')).toEqual(Object.entries(ERROR_CODES));
  });

  it("is docs/SECURITY.md's code table, in order", () => {
    expect(tableRows('docs/SECURITY.md', '| code | raised by |').map(([code]) => code)).toEqual(Object.keys(ERROR_CODES));
  });
});

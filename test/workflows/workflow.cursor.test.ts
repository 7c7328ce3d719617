import { decodeCursor, encodeCursor, isAfter, type IndexPosition } from '../../src/workflows/workflow.cursor';
import { WorkflowError } from '../../src/workflows/workflow.types';

const encoded = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

describe('workflow cursors', () => {
  it.each<IndexPosition>([
    { score: 1_767_225_600_000, threadId: 'wf-1' },
    { score: 0, threadId: '' },
    { score: -1.5, threadId: 'with "quotes", commas, tabs\t and ünïcödé 🚀' },
    { score: 1, threadId: 'wave:workflow:x*?[]' },
  ])('decodes what it encoded: %j', (position) => {
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it('is opaque and URL-safe: base64url with no padding', () => {
    expect(encodeCursor({ score: 1, threadId: 'a/b+c?' })).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['not base64 JSON', 'not a cursor'],
    ['an empty string', ''],
    ['an object', encoded({ score: 1, threadId: 'a' })],
    ['one element', encoded([1])],
    ['three elements', encoded([1, 'a', 2])],
    ['a string score', encoded(['1', 'a'])],
    ['a non-finite score', encoded([null, 'a'])],
    ['a numeric thread id', encoded([1, 2])],
  ])('refuses %s with BAD_USER_INPUT on `after`', (_name, cursor) => {
    let thrown: unknown;
    try {
      decodeCursor(cursor);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WorkflowError);
    expect(thrown).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after', message: 'after is not a cursor returned by this API' });
  });

  describe('isAfter, in Redis order (score, then member bytes)', () => {
    const position = { score: 10, threadId: 'm' };
    it.each([
      [{ score: 11, threadId: 'a' }, true, 'a higher score, whatever the member'],
      [{ score: 9, threadId: 'z' }, false, 'a lower score, whatever the member'],
      [{ score: 10, threadId: 'n' }, true, 'the same score and a later member'],
      [{ score: 10, threadId: 'l' }, false, 'the same score and an earlier member'],
      [{ score: 10, threadId: 'm' }, false, 'the position itself'],
      [{ score: 10, threadId: 'mm' }, true, 'the same score and a longer member with the same prefix'],
      [{ score: 10, threadId: 'M' }, false, 'upper case, which sorts before lower case in bytes'],
    ])('%j is after: %s (%s)', (entry, after) => {
      expect(isAfter(entry, position)).toBe(after);
    });

    it('compares members by UTF-8 bytes, not UTF-16 units, as Redis does', () => {
      // U+FF61 is 0xEF 0xBD 0xA1 in UTF-8, U+1F680 is 0xF0 …: bytes put the emoji last, UTF-16 units first.
      const halfwidth = { score: 1, threadId: '\uff61' };
      const emoji = { score: 1, threadId: '🚀' };
      expect(isAfter(emoji, halfwidth)).toBe(true);
      expect(isAfter(halfwidth, emoji)).toBe(false);
    });
  });
});

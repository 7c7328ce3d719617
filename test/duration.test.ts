import { parseDurationMs } from '../src/duration';

describe('parseDurationMs', () => {
  it.each([
    ['500ms', 500],
    ['1s', 1000],
    ['30s', 30_000],
    ['10m', 600_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['007s', 7000],
  ])('reads %j as %d ms', (written, ms) => {
    expect(parseDurationMs(written)).toBe(ms);
  });

  it.each([
    ['0s', 'zero'],
    ['0ms', 'zero'],
    ['', 'empty'],
    ['30', 'no unit'],
    ['s', 'no number'],
    ['-5s', 'negative'],
    ['1.5s', 'a fraction'],
    ['1w', 'an unknown unit'],
    ['30S', 'an upper-case unit'],
    [' 30s', 'a leading blank'],
    ['30s ', 'a trailing blank'],
    ['1m30s', 'two units'],
  ])('refuses %j (%s)', (written) => {
    expect(parseDurationMs(written)).toBeNull();
  });
});

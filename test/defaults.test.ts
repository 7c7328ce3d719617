import { defaultDurationMs, examinedBudget } from '../src/defaults';

describe('examinedBudget', () => {
  it.each([
    [1, 500],
    [20, 500],
    [50, 500],
    [51, 510],
    [100, 1000],
  ])('lets a filtered page of %p examine %p entries: ten per item, at least 500', (first, budget) => {
    expect(examinedBudget(first)).toBe(budget);
  });
});

describe('defaultDurationMs', () => {
  it.each([
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['5m', 300_000],
  ])('reads %p as %p ms', (written, ms) => {
    expect(defaultDurationMs(written)).toBe(ms);
  });

  it('fails loudly on a default that is no duration', () => {
    expect(() => defaultDurationMs('15 minutes')).toThrow(/Not a duration: 15 minutes/);
  });
});

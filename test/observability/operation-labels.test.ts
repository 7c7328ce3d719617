import { Metrics } from '../../src/observability/metrics';

describe('operation label values', () => {
  it('uses the operation name, anonymous for an unnamed one and invalid when none resolved', () => {
    const metrics = new Metrics();

    expect(metrics.operationLabel('Dashboard', true)).toBe('Dashboard');
    expect(metrics.operationLabel(null, true)).toBe('anonymous');
    expect(metrics.operationLabel('Dashboard', false)).toBe('invalid');
  });

  it('counts names beyond the first 200 as other, so a client cannot multiply the series', () => {
    const metrics = new Metrics();
    for (let i = 0; i < 200; i += 1) metrics.operationLabel(`Op${i}`, true);

    expect(metrics.operationLabel('Op200', true)).toBe('other');
    expect(metrics.operationLabel('Op0', true)).toBe('Op0');
  });
});

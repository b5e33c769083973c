import { describe, expect, it } from 'vitest';
import { wilsonInterval } from '../../src/stats/wilson-interval.ts';
import { expectClose, expectIntervalClose, fixture } from './reference.ts';

const Z = 1.959963984540054;

describe('wilsonInterval', () => {
  it('matches statsmodels proportion_confint(method="wilson") for 500 of 10,000', () => {
    const expected = fixture('realistic').expected.variants[0]?.conversionRateCI ?? null;
    expectIntervalClose(wilsonInterval(500, 10_000), expected, 1e-12);
  });

  it('starts at exactly 0 and ends at z²/(n + z²) when nothing converted', () => {
    const interval = wilsonInterval(0, 10);
    expect(interval?.[0]).toBe(0);
    expectClose(interval?.[1], (Z * Z) / (10 + Z * Z), 1e-14);
  });

  it('ends at exactly 1 and starts at n/(n + z²) when everything converted', () => {
    const interval = wilsonInterval(25, 25);
    expect(interval?.[1]).toBe(1);
    expectClose(interval?.[0], 25 / (25 + Z * Z), 1e-14);
  });

  it('widens as alpha shrinks', () => {
    const wide = wilsonInterval(30, 200, 0.01);
    const narrow = wilsonInterval(30, 200, 0.1);
    expect(wide?.[0]).toBeLessThan(narrow?.[0] ?? 0);
    expect(wide?.[1]).toBeGreaterThan(narrow?.[1] ?? 1);
  });

  it('is null without trials', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});

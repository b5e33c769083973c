import { describe, expect, it } from 'vitest';
import { planSampleSize } from '../../src/stats/sample-size.ts';
import { reference } from './reference.ts';

describe('planSampleSize', () => {
  it('rounds up the n that R power.prop.test solves for', () => {
    for (const { input, expected } of reference.sampleSize) expect(planSampleSize(input), JSON.stringify(input)).toEqual(expected);
  });

  it('needs 31,234 visitors per variant for 5% → 5.5% at 80% power (R: n = 31233.44)', () => {
    expect(planSampleSize({ baseline: 0.05, mde: 0.1 })).toEqual({ visitorsPerVariant: 31_234 });
  });

  it('turns traffic into days across all variants', () => {
    expect(planSampleSize({ baseline: 0.05, mde: 0.1, visitorsPerDay: 5_000, variants: 2 })).toEqual({
      visitorsPerVariant: 31_234,
      days: 13,
    });
  });

  it('refuses rates outside (0, 1) and a zero effect', () => {
    expect(() => planSampleSize({ baseline: 0, mde: 0.1 })).toThrow(RangeError);
    expect(() => planSampleSize({ baseline: 0.95, mde: 0.1 })).toThrow(RangeError);
    expect(() => planSampleSize({ baseline: 0.05, mde: 0 })).toThrow(RangeError);
  });
});

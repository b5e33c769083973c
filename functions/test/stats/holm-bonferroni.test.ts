import { describe, expect, it } from 'vitest';
import { holmBonferroni } from '../../src/stats/holm-bonferroni.ts';
import { expectClose, fixture } from './reference.ts';

describe('holmBonferroni', () => {
  it('multiplies the k-th smallest p-value by m − k + 1 and keeps the running maximum', () => {
    // sorted 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 → max(0.06, 0.04) = 0.06
    const adjusted = holmBonferroni([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((expected, index) => expectClose(adjusted[index], expected, 1e-15));
  });

  it('caps at 1 and passes nulls through without counting them', () => {
    expect(holmBonferroni([0.6, null, 0.2])).toEqual([0.6, null, 0.4]);
    expect(holmBonferroni([0.9, 0.8])).toEqual([1, 1]);
  });

  it('matches statsmodels multipletests(method="holm") across three comparisons', () => {
    const { vsControl } = fixture('four arms').expected;
    const keys = ['b', 'c', 'd'] as const;
    const adjusted = holmBonferroni(keys.map((key) => vsControl[key]?.pValue ?? null));
    keys.forEach((key, index) => expectClose(adjusted[index], vsControl[key]?.adjustedPValue, 1e-12));
  });
});

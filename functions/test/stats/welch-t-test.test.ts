import { describe, expect, it } from 'vitest';
import { welchTTest } from '../../src/stats/welch-t-test.ts';
import { expectClose, expectIntervalClose, reference } from './reference.ts';

describe('welchTTest', () => {
  it('matches scipy ttest_ind(equal_var=False) and statsmodels tconfint_diff from n, Σy and Σy²', () => {
    for (const { control, variant, alpha, expected } of reference.welch) {
      const result = welchTTest(control, variant, alpha);
      const label = `${control.count} vs ${variant.count}`;
      expect(result.status, label).toBe(expected.status);
      expectClose(result.difference, expected.difference, 1e-12, 1e-14, `${label} difference`);
      expectClose(result.standardError, expected.standardError, 1e-10, 0, `${label} standard error`);
      expectClose(result.degreesOfFreedom, expected.degreesOfFreedom, 1e-9, 0, `${label} df`);
      expectIntervalClose(result.interval, expected.interval, 1e-9, 1e-14, `${label} interval`);
      expectClose(result.pValue, expected.pValue, 1e-9, 0, `${label} p-value`);
    }
  });

  it('gives the hand-computed Welch–Satterthwaite df for [1,2,3,4] against [2,4,6,8,10]', () => {
    // s²_A/n_A = (5/3)/4, s²_B/n_B = 10/5; ν = (5/12 + 2)² / ((5/12)²/3 + 2²/4)
    const result = welchTTest({ count: 4, sum: 10, sumOfSquares: 30 }, { count: 5, sum: 30, sumOfSquares: 220 });
    expectClose(result.degreesOfFreedom, (5 / 12 + 2) ** 2 / ((5 / 12) ** 2 / 3 + 1), 1e-13);
    expectClose(result.difference, 3.5, 1e-15);
  });

  it('reports zero variance instead of dividing by zero', () => {
    const result = welchTTest({ count: 10, sum: 0, sumOfSquares: 0 }, { count: 12, sum: 0, sumOfSquares: 0 });
    expect(result).toMatchObject({ status: 'zero_variance', difference: 0, pValue: null, interval: null });
  });
});

import { describe, expect, it } from 'vitest';
import { twoProportionZTest } from '../../src/stats/two-proportion-z-test.ts';
import { expectClose, fixture } from './reference.ts';

describe('twoProportionZTest', () => {
  it('has z² equal to Pearson chi-square without continuity correction', () => {
    // Table [[10, 90], [20, 80]]: χ² = N(ad − bc)²/(r₁r₂c₁c₂) = 200·1000²/(100·100·30·170).
    const chiSquare = (200 * 1000 ** 2) / (100 * 100 * 30 * 170);
    const result = twoProportionZTest({ successes: 10, trials: 100 }, { successes: 20, trials: 100 });
    expectClose((result?.z ?? 0) ** 2, chiSquare, 1e-13);
    expect(result?.z).toBeGreaterThan(0);
  });

  it('matches statsmodels proportions_ztest for 500/10,000 against 560/10,000', () => {
    const expected = fixture('realistic').expected.vsControl.badge?.pValue;
    const result = twoProportionZTest({ successes: 500, trials: 10_000 }, { successes: 560, trials: 10_000 });
    expectClose(result?.pValue, expected, 1e-12);
  });

  it('keeps the relative precision of tiny p-values', () => {
    const result = twoProportionZTest({ successes: 100, trials: 10_000 }, { successes: 400, trials: 10_000 });
    expect(result?.pValue).toBeGreaterThan(0);
    expect(result?.pValue).toBeLessThan(1e-40);
  });

  it('is null when neither arm can vary or an arm is empty', () => {
    expect(twoProportionZTest({ successes: 0, trials: 50 }, { successes: 0, trials: 70 })).toBeNull();
    expect(twoProportionZTest({ successes: 50, trials: 50 }, { successes: 70, trials: 70 })).toBeNull();
    expect(twoProportionZTest({ successes: 0, trials: 0 }, { successes: 3, trials: 70 })).toBeNull();
  });
});

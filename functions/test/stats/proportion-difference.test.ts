import { describe, expect, it } from 'vitest';
import { proportionDifference } from '../../src/stats/proportion-difference.ts';
import { expectClose, expectIntervalClose } from './reference.ts';

const Z = 1.959963984540054;

describe('proportionDifference', () => {
  it('uses the unpooled Wald standard error', () => {
    // 100/1000 vs 120/1000: SE = √(0.1·0.9/1000 + 0.12·0.88/1000).
    const standardError = Math.sqrt(0.09 / 1000 + 0.1056 / 1000);
    const result = proportionDifference({ successes: 100, trials: 1000 }, { successes: 120, trials: 1000 });
    expectClose(result?.difference, 0.02, 1e-12);
    expectClose(result?.standardError, standardError, 1e-14);
    expectIntervalClose(result?.interval, [0.02 - Z * standardError, 0.02 + Z * standardError], 1e-12);
  });

  it('has no interval when both rates are 0% or 100%', () => {
    expect(proportionDifference({ successes: 0, trials: 10 }, { successes: 0, trials: 20 })?.interval).toBeNull();
    expect(proportionDifference({ successes: 10, trials: 10 }, { successes: 0, trials: 20 })?.interval).toBeNull();
  });

  it('is null when an arm is empty', () => {
    expect(proportionDifference({ successes: 0, trials: 0 }, { successes: 1, trials: 2 })).toBeNull();
  });
});

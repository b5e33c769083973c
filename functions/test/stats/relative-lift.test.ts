import { describe, expect, it } from 'vitest';
import { relativeLift } from '../../src/stats/relative-lift.ts';
import { expectClose, expectIntervalClose } from './reference.ts';

const Z = 1.959963984540054;

describe('relativeLift', () => {
  it('uses the delta-method variance Var(p̂B)/p̂A² + p̂B²·Var(p̂A)/p̂A⁴', () => {
    // 100/1000 vs 120/1000: V = (0.12·0.88/1000)/0.01 + 0.0144·(0.1·0.9/1000)/0.0001 = 0.01056 + 0.01296.
    const standardError = Math.sqrt(0.01056 + 0.01296);
    const result = relativeLift({ successes: 100, trials: 1000 }, { successes: 120, trials: 1000 });
    expectClose(result?.lift, 0.2, 1e-12);
    expectIntervalClose(result?.interval, [0.2 - Z * standardError, 0.2 + Z * standardError], 1e-12);
  });

  it('is null when the control rate is 0', () => {
    expect(relativeLift({ successes: 0, trials: 500 }, { successes: 4, trials: 500 })).toBeNull();
  });

  it('reports a lift of 0 without an interval when both arms convert 100%', () => {
    const result = relativeLift({ successes: 30, trials: 30 }, { successes: 40, trials: 40 });
    expect(result?.lift).toBe(0);
    expect(result?.interval).toBeNull();
  });
});

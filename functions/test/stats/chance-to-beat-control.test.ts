import { describe, expect, it } from 'vitest';
import { chanceToBeatControl, expectedLoss } from '../../src/stats/chance-to-beat-control.ts';
import { expectClose, reference } from './reference.ts';

describe('chanceToBeatControl', () => {
  it('matches quadrature over the Beta posteriors to 1e-9, from empty arms to 5 million visitors', () => {
    for (const { control, variant, chanceToBeatControl: expected } of reference.chance) {
      expectClose(chanceToBeatControl(control, variant), expected, 0, 1e-9, `${JSON.stringify([control, variant])}`);
    }
  });

  it('is 2/3 for one conversion of one visitor against an empty control', () => {
    // p_B ~ Beta(2, 1) with density 2x, p_A ~ Uniform: P(p_B > p_A) = ∫ 2x·x dx = 2/3.
    expectClose(chanceToBeatControl({ successes: 0, trials: 0 }, { successes: 1, trials: 1 }), 2 / 3, 1e-14);
  });

  it('is complementary when the arms are swapped', () => {
    const a = { successes: 452, trials: 8000 };
    const b = { successes: 400, trials: 8000 };
    expectClose(chanceToBeatControl(a, b) + chanceToBeatControl(b, a), 1, 1e-13);
  });

  it('handles tens of millions of visitors', () => {
    const chance = chanceToBeatControl({ successes: 500_000, trials: 10_000_000 }, { successes: 501_500, trials: 10_000_000 });
    expect(chance).toBeGreaterThan(0.93);
    expect(chance).toBeLessThan(0.94);
  });
});

describe('expectedLoss', () => {
  it('matches quadrature of E[max(pA − pB, 0)] to 1e-6 relative', () => {
    for (const { control, variant, expectedLoss: expected } of reference.chance) {
      expectClose(expectedLoss(control, variant), expected, 1e-6, 1e-12, `${JSON.stringify([control, variant])}`);
    }
  });

  it('is 1/6 for two empty arms (E|U₁ − U₂|/2 for uniforms)', () => {
    expectClose(expectedLoss({ successes: 0, trials: 0 }, { successes: 0, trials: 0 }), 1 / 6, 1e-14);
  });
});

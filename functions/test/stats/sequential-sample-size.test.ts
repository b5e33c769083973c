import { describe, expect, it } from 'vitest';
import { mixtureSprtPValue } from '../../src/stats/mixture-sprt.ts';
import { planSampleSize } from '../../src/stats/sample-size.ts';
import { sequentialSampleSize } from '../../src/stats/sequential-sample-size.ts';
import { binomial, seededUniform } from './simulation.ts';

describe('sequentialSampleSize', () => {
  it('gives the sequential test its planned power at that sample (simulated)', () => {
    const [baseline, mde, alpha] = [0.1, 0.2, 0.05];
    const n = sequentialSampleSize({ baseline, mde, alpha, power: 0.8 });
    expect(n).not.toBeNull();
    const perArm = n ?? 0;
    const uniform = seededUniform(7);
    const tau = mde * baseline * (1 + mde / 2);
    let rejections = 0;
    const experiments = 2_000;
    for (let i = 0; i < experiments; i++) {
      const look = {
        control: { successes: binomial(uniform, perArm, baseline), trials: perArm },
        variant: { successes: binomial(uniform, perArm, baseline * (1 + mde)), trials: perArm },
      };
      if ((mixtureSprtPValue([look], tau) ?? 1) <= alpha) rejections += 1;
    }
    expect(rejections / experiments).toBeGreaterThan(0.77);
    expect(rejections / experiments).toBeLessThan(0.83);
  });

  it('asks for more visitors than the fixed-horizon plan, the price of peeking', () => {
    const fixed = planSampleSize({ baseline: 0.05, mde: 0.1 }).visitorsPerVariant;
    const sequential = sequentialSampleSize({ baseline: 0.05, mde: 0.1 }) ?? 0;
    expect(sequential).toBeGreaterThan(fixed);
    expect(sequential).toBeLessThan(3 * fixed);
  });

  it('is null for a degenerate baseline', () => {
    expect(sequentialSampleSize({ baseline: 0, mde: 0.1 })).toBeNull();
  });
});

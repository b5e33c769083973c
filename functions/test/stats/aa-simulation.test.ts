import { describe, expect, it } from 'vitest';
import { summarize, type VariantStats } from '../../src/stats/summarize.ts';
import { binomial, seededUniform } from './simulation.ts';

/**
 * A/A experiments (no true difference) checked at every look, the way marketers peek.
 * The figures are recorded in docs/statistics.md; the runs are seeded, so they repeat.
 */
interface AaOutcome {
  sequentialFalsePositives: number;
  fixedHorizonFalsePositives: number;
}

function simulate(
  experiments: number,
  arms: number,
  looks: number,
  visitorsPerLook: number,
  rate: number,
  seed: number,
): AaOutcome {
  const uniform = seededUniform(seed);
  let sequentialFalsePositives = 0;
  let fixedHorizonFalsePositives = 0;
  for (let experiment = 0; experiment < experiments; experiment++) {
    const counts = Array.from({ length: arms }, () => ({ visitors: 0, conversions: 0 }));
    let sequentialCalled = false;
    let fixedCalled = false;
    for (let look = 0; look < looks; look++) {
      for (const arm of counts) {
        arm.visitors += visitorsPerLook;
        arm.conversions += binomial(uniform, visitorsPerLook, rate);
      }
      const variants: VariantStats[] = counts.map((arm, index) => ({
        key: `arm-${index}`,
        control: index === 0,
        weight: 1,
        visitors: arm.visitors,
        conversions: arm.conversions,
        revenue: 0,
        revenueSquares: 0,
      }));
      const summary = summarize({ experiment: `aa-${experiment}`, goal: 'purchase', variants });
      if (summary.decision.status === 'winner' || summary.decision.status === 'loser') sequentialCalled = true;
      if (summary.variants.some((variant) => (variant.vsControl?.pValue ?? 1) <= 0.05)) fixedCalled = true;
    }
    if (sequentialCalled) sequentialFalsePositives += 1;
    if (fixedCalled) fixedHorizonFalsePositives += 1;
  }
  return {
    sequentialFalsePositives: sequentialFalsePositives / experiments,
    fixedHorizonFalsePositives: fixedHorizonFalsePositives / experiments,
  };
}

describe('A/A simulation with a look after every 500 visitors per arm', () => {
  it('keeps the sequential decision within alpha + 0.01 where peeking at the fixed-horizon p-value does not', () => {
    // 2,000 experiments × 20 looks, 5% conversion in both arms, up to 10,000 visitors per arm; alpha 0.05.
    const outcome = simulate(2_000, 2, 20, 500, 0.05, 20_240_611);
    expect(outcome.sequentialFalsePositives).toBeLessThanOrEqual(0.06);
    expect(outcome.fixedHorizonFalsePositives).toBeGreaterThan(0.06);
    console.info(`A/A false positives: sequential ${outcome.sequentialFalsePositives}, fixed horizon ${outcome.fixedHorizonFalsePositives}`);
  }, 60_000);

  it('keeps the family-wise rate within alpha + 0.01 with three variants against one control', () => {
    // 1,000 A/A/A/A experiments × 20 looks at 20% conversion: Holm over the sequential p-values.
    const outcome = simulate(1_000, 4, 20, 500, 0.2, 7_041_965);
    expect(outcome.sequentialFalsePositives).toBeLessThanOrEqual(0.06);
    expect(outcome.fixedHorizonFalsePositives).toBeGreaterThan(0.06);
    console.info(`A/A/A/A family-wise false positives: sequential ${outcome.sequentialFalsePositives}, fixed horizon ${outcome.fixedHorizonFalsePositives}`);
  }, 60_000);
});

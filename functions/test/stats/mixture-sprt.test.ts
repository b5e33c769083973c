import { describe, expect, it } from 'vitest';
import { mixtureLogLikelihoodRatio, mixtureSprtPValue } from '../../src/stats/mixture-sprt.ts';
import { summarize, type VariantStats } from '../../src/stats/summarize.ts';
import { expectClose, reference } from './reference.ts';

describe('mixtureLogLikelihoodRatio', () => {
  it('is the log ratio of the N(0, σ² + τ²) and N(0, σ²) densities at Δ̂', () => {
    const [difference, variance, mixing] = [0.01, 2e-5, 3e-5];
    const density = (x: number, v: number): number => Math.exp((-x * x) / (2 * v)) / Math.sqrt(2 * Math.PI * v);
    expectClose(
      mixtureLogLikelihoodRatio(difference, variance, mixing),
      Math.log(density(difference, variance + mixing) / density(difference, variance)),
      1e-12,
    );
  });
});

describe('mixtureSprtPValue', () => {
  it('matches the reference running minimum of 1/Λ over the looks', () => {
    for (const { looks, mixingStandardDeviation, expected, expectedLastLookOnly } of reference.sequential) {
      expectClose(mixtureSprtPValue(looks, mixingStandardDeviation), expected, 1e-10);
      expectClose(mixtureSprtPValue(looks.slice(-1), mixingStandardDeviation), expectedLastLookOnly, 1e-10);
    }
  });

  it('never rises when looks are added', () => {
    const { looks, mixingStandardDeviation } = reference.sequential[1] ?? { looks: [], mixingStandardDeviation: 0 };
    let previous = 1;
    for (let count = 1; count <= looks.length; count++) {
      const pValue = mixtureSprtPValue(looks.slice(0, count), mixingStandardDeviation) ?? 1;
      expect(pValue).toBeLessThanOrEqual(previous);
      previous = pValue;
    }
  });

  it('is null when no look has any variance', () => {
    const look = { control: { successes: 0, trials: 100 }, variant: { successes: 0, trials: 100 } };
    expect(mixtureSprtPValue([look], 0.01)).toBeNull();
    expect(mixtureSprtPValue([], 0.01)).toBeNull();
  });

  it('is taken over the history when summarize is given one', () => {
    const fading = reference.sequential.find((entry) => (entry.expected ?? 1) < (entry.expectedLastLookOnly ?? 1));
    if (fading === undefined) throw new Error('the reference has no fading-lead case');
    const { looks, mixingStandardDeviation, expected, expectedLastLookOnly } = fading;
    const last = looks[looks.length - 1]!;
    const arm = (key: string, side: 'control' | 'variant'): VariantStats => ({
      key,
      control: side === 'control',
      weight: 1,
      visitors: last[side].trials,
      conversions: last[side].successes,
      revenue: 0,
      revenueSquares: 0,
      history: looks.slice(0, -1).map((look) => ({ visitors: look[side].trials, conversions: look[side].successes })),
    });
    const withHistory = summarize({
      experiment: 'e',
      goal: 'g',
      sequentialMixingSd: mixingStandardDeviation,
      variants: [arm('a', 'control'), arm('b', 'variant')],
    });
    expectClose(withHistory.variants[1]?.vsControl?.sequentialPValue, expected, 1e-10);
    expect(expected).toBeLessThan(expectedLastLookOnly ?? 1);
  });
});

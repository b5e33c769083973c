import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chanceToBeatControl, expectedLoss } from '../../src/stats/chance-to-beat-control.ts';
import { holmBonferroni } from '../../src/stats/holm-bonferroni.ts';
import { mixtureSprtPValue } from '../../src/stats/mixture-sprt.ts';
import { proportionDifference } from '../../src/stats/proportion-difference.ts';
import { relativeLift } from '../../src/stats/relative-lift.ts';
import { summarize, type VariantStats } from '../../src/stats/summarize.ts';
import { twoProportionZTest } from '../../src/stats/two-proportion-z-test.ts';
import { welchTTest } from '../../src/stats/welch-t-test.ts';
import { wilsonInterval } from '../../src/stats/wilson-interval.ts';
import { firstNonFinite } from './reference.ts';

/** successes ≤ trials, with plenty of zeros, 100%s and large counts. */
const proportion = fc
  .oneof(
    fc.integer({ min: 0, max: 50 }),
    fc.integer({ min: 0, max: 100_000 }),
    fc.integer({ min: 0, max: 50_000_000 }),
  )
  .chain((trials) =>
    fc
      .oneof(fc.constant(0), fc.constant(trials), fc.integer({ min: 0, max: trials }))
      .map((successes) => ({ successes, trials })),
  );

const alpha = fc.constantFrom(0.01, 0.05, 0.1, 0.2);
const inUnitInterval = (value: number | null | undefined): boolean => value == null || (value >= 0 && value <= 1);

describe('statistics properties', () => {
  it('keeps every p-value in [0, 1]', () => {
    fc.assert(
      fc.property(proportion, proportion, (a, b) => {
        expect(inUnitInterval(twoProportionZTest(a, b)?.pValue)).toBe(true);
        expect(inUnitInterval(mixtureSprtPValue([{ control: a, variant: b }], 0.01))).toBe(true);
        expect(inUnitInterval(chanceToBeatControl(a, b))).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null })), (pValues) => {
        const adjusted = holmBonferroni(pValues);
        adjusted.forEach((value, index) => {
          expect(inUnitInterval(value)).toBe(true);
          if (value !== null) expect(value).toBeGreaterThanOrEqual(pValues[index] ?? 0);
        });
      }),
    );
  });

  it('puts every interval around its estimate', () => {
    fc.assert(
      fc.property(proportion, proportion, alpha, (a, b, level) => {
        const wilson = wilsonInterval(a.successes, a.trials, level);
        if (wilson !== null) {
          const rate = a.successes / a.trials;
          expect(wilson[0] <= rate && rate <= wilson[1] && wilson[0] >= 0 && wilson[1] <= 1).toBe(true);
        }
        const difference = proportionDifference(a, b, level);
        if (difference?.interval) {
          expect(difference.interval[0] <= difference.difference && difference.difference <= difference.interval[1]).toBe(true);
        }
        const lift = relativeLift(a, b, level);
        if (lift?.interval) expect(lift.interval[0] <= lift.lift && lift.lift <= lift.interval[1]).toBe(true);
      }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 500, noNaN: true }), { minLength: 2, maxLength: 40 }),
        fc.array(fc.double({ min: 0, max: 500, noNaN: true }), { minLength: 2, maxLength: 40 }),
        (control, variant) => {
          const moments = (values: number[]) => ({
            count: values.length,
            sum: values.reduce((sum, value) => sum + value, 0),
            sumOfSquares: values.reduce((sum, value) => sum + value * value, 0),
          });
          const result = welchTTest(moments(control), moments(variant));
          if (result.interval !== null && result.difference !== null) {
            expect(result.interval[0] <= result.difference && result.difference <= result.interval[1]).toBe(true);
            expect(inUnitInterval(result.pValue)).toBe(true);
          }
        },
      ),
    );
  });

  it('mirrors the lift when the arms are swapped', () => {
    fc.assert(
      fc.property(proportion, proportion, (a, b) => {
        const forward = proportionDifference(a, b);
        const backward = proportionDifference(b, a);
        if (forward === null || backward === null) return;
        expect(backward.difference === -forward.difference).toBe(true);
        if (forward.interval && backward.interval) {
          expect(Math.abs(backward.interval[0] + forward.interval[1])).toBeLessThan(1e-12);
          expect(Math.abs(backward.interval[1] + forward.interval[0])).toBeLessThan(1e-12);
        }
        expect(twoProportionZTest(b, a)?.pValue).toBe(twoProportionZTest(a, b)?.pValue);
        expect(Math.abs(chanceToBeatControl(a, b) + chanceToBeatControl(b, a) - 1)).toBeLessThan(1e-9);
        const lossForward = expectedLoss(a, b);
        const lossBackward = expectedLoss(b, a);
        // E[max(pA − pB, 0)] − E[max(pB − pA, 0)] = E[pA] − E[pB]
        const mean = ({ successes, trials }: { successes: number; trials: number }) => (1 + successes) / (2 + trials);
        expect(Math.abs(lossForward - lossBackward - (mean(a) - mean(b)))).toBeLessThan(1e-9);
      }),
    );
  });

  it('never puts NaN or Infinity into a summary, whatever the counts', () => {
    const money = fc.double({ min: 0, max: 1e4, noNaN: true });
    const variantStats = fc
      .record({
        visitors: fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 0, max: 2_000_000 })),
        conversionShare: fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
        orderValue: fc.oneof(fc.constant(0), money),
        spread: fc.double({ min: 1, max: 3, noNaN: true }),
        abandonShare: fc.double({ min: 0, max: 1, noNaN: true }),
        weight: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100 })),
        costs: fc.option(
          fc.record({
            fixed: money,
            perVisitor: fc.double({ min: 0, max: 1, noNaN: true }),
            perConversion: money,
            revenueShare: fc.double({ min: 0, max: 1, noNaN: true }),
          }),
          { nil: undefined },
        ),
      })
      .map(({ visitors, conversionShare, orderValue, spread, abandonShare, weight, costs }): Omit<VariantStats, 'key'> => {
        const conversions = Math.floor(visitors * conversionShare);
        const revenue = conversions * orderValue;
        const abandoners = Math.floor(visitors * abandonShare);
        return {
          weight,
          visitors,
          conversions,
          revenue,
          revenueSquares: conversions * orderValue * orderValue * spread,
          abandonments: { cart: abandoners },
          recovered: { cart: Math.floor(abandoners / 3) },
          ...(costs === undefined ? {} : { costs }),
        };
      });
    fc.assert(
      fc.property(
        fc.array(variantStats, { minLength: 1, maxLength: 4 }),
        alpha,
        fc.option(fc.integer({ min: 1, max: 1e7 }), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 1e5 }), { nil: undefined }),
        (variants, level, visitorsPerMonth, dailyVisitors) => {
          const summary = summarize({
            experiment: 'property',
            goal: 'purchase',
            alpha: level,
            margin: 0.3,
            currency: 'EUR',
            ...(visitorsPerMonth === undefined ? {} : { visitorsPerMonth }),
            ...(dailyVisitors === undefined ? {} : { dailyVisitors }),
            variants: variants.map((variant, index) => ({ ...variant, key: `v${index}`, control: index === 0 })),
          });
          expect(firstNonFinite(summary)).toBeNull();
          expect(summary.decision.message).not.toMatch(/NaN|Infinity|undefined|null/);
        },
      ),
      { numRuns: 300 },
    );
  });
});

import type { ReportSummary } from '../../src/report/index.ts';
import type { VsControl } from '../../src/stats/index.ts';

/** A hand-written summary (numbers chosen, not computed), so the renderers are checked on their own. */
export function reportFixture(): ReportSummary {
  const vsControl: VsControl = {
    status: 'ok',
    absoluteLift: 0.01,
    absoluteLiftCI: [0.0045, 0.0155],
    relativeLift: 0.2222,
    relativeLiftCI: [0.0867, 0.3577],
    pValue: 0.00038,
    adjustedPValue: 0.00076,
    sequentialPValue: 0.0168,
    adjustedSequentialPValue: 0.0336,
    chanceToBeatControl: 0.99981,
    expectedLoss: 1.3e-7,
    revenueStatus: 'ok',
    revenuePerVisitorDiff: 0.4,
    revenuePerVisitorDiffCI: [0.0317, 0.7683],
    revenuePValue: 0.0333,
    abandonment: {},
    romi: {
      status: 'ok',
      incrementalNetProfitPerVisitor: -0.31,
      incrementalNetProfitPerVisitorCI: [-0.436, -0.185],
      probabilityProfitable: 6e-7,
      incrementalRomi: null,
      projectedMonthlyProfit: null,
      projectedMonthlyProfitCI: null,
    },
  };
  return {
    experiment: 'hero-offer',
    goal: 'purchase',
    settings: { alpha: 0.05, currency: 'EUR' },
    variants: [
      {
        key: 'A',
        control: true,
        visitors: 12000,
        conversions: 540,
        conversionRate: 0.045,
        conversionRateCI: [0.0414, 0.0489],
        revenuePerVisitor: 2.79,
        romi: { romi: null },
        vsControl: null,
      },
      {
        key: 'B',
        control: false,
        visitors: 12000,
        conversions: 660,
        conversionRate: 0.055,
        conversionRateCI: [0.0511, 0.0592],
        revenuePerVisitor: 3.19,
        romi: { romi: 1.711 },
        vsControl,
      },
    ],
    srm: { status: 'ok', chiSquare: 0, degreesOfFreedom: 1, pValue: 1, mismatch: false },
    decision: { status: 'winner', variant: 'B', message: 'Variant "B" converts 22% better than the control.' },
  };
}

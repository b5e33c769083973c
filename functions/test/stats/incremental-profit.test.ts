import { describe, expect, it } from 'vitest';
import { incrementalProfit, netValueMoments, type ArmEconomics } from '../../src/stats/incremental-profit.ts';
import { expectClose, fixture } from './reference.ts';

function arm(revenues: number[], costs: ArmEconomics['costs']): ArmEconomics {
  return {
    visitors: revenues.length,
    conversions: revenues.filter((revenue) => revenue > 0).length,
    revenue: revenues.reduce((sum, revenue) => sum + revenue, 0),
    revenueSquares: revenues.reduce((sum, revenue) => sum + revenue * revenue, 0),
    costs,
  };
}

describe('netValueMoments', () => {
  it('equals the sums over visitors of (m − s)·revenue − c·converted', () => {
    const revenues = [0, 0, 30, 0, 12.5, 0, 80];
    const costs = { fixed: 40, perVisitor: 0.2, perConversion: 3, revenueShare: 0.15 };
    const values = revenues.map((revenue) => (0.35 - 0.15) * revenue - 3 * (revenue > 0 ? 1 : 0));
    const moments = netValueMoments(arm(revenues, costs), 0.35);
    expect(moments.count).toBe(7);
    expectClose(moments.sum, values.reduce((sum, value) => sum + value, 0), 1e-14);
    expectClose(moments.sumOfSquares, values.reduce((sum, value) => sum + value * value, 0), 1e-14);
  });
});

describe('incrementalProfit', () => {
  it('subtracts the per-visitor and spread fixed costs from the difference in means', () => {
    const noCosts = { fixed: 0, perVisitor: 0, perConversion: 0, revenueShare: 0 };
    const control = arm([0, 10, 0, 20], noCosts);
    const variant = arm([0, 15, 25, 0, 0], { fixed: 5, perVisitor: 0.5, perConversion: 1, revenueShare: 0.1 });
    // control mean: 30/4 = 7.5; variant: (0.9·40 − 2)/5 − 0.5 − 5/5 = 6.8 − 1.5 = 5.3
    const result = incrementalProfit({ control, variant, margin: 1 });
    expectClose(result.incrementalNetProfitPerVisitor, 5.3 - 7.5, 1e-14);
    // investment per visitor: variant (5 + 2.5 + 2 + 4)/5 = 2.7, control 0 → ROMI = Δ/2.7
    expectClose(result.incrementalRomi, (5.3 - 7.5) / 2.7, 1e-14);
    expect(result.projectedMonthlyProfit).toBeNull();
  });

  it('matches Welch on the simulated per-visitor net values of the realistic fixture', () => {
    const { input, expected } = fixture('realistic');
    const [control, variant] = input.variants;
    const noCosts = { fixed: 0, perVisitor: 0, perConversion: 0, revenueShare: 0 };
    const result = incrementalProfit({
      control: { ...control!, costs: control!.costs ?? noCosts },
      variant: { ...variant!, costs: variant!.costs ?? noCosts },
      margin: input.margin ?? 1,
      visitorsPerMonth: input.visitorsPerMonth ?? null,
    });
    const romi = expected.vsControl.badge!.romi;
    expectClose(result.incrementalNetProfitPerVisitor, romi.incrementalNetProfitPerVisitor, 1e-9);
    expectClose(result.probabilityProfitable, romi.probabilityProfitable, 1e-9);
    expectClose(result.projectedMonthlyProfit, romi.projectedMonthlyProfit, 1e-9);
  });

  it('reports insufficient data below two visitors in an arm', () => {
    const noCosts = { fixed: 0, perVisitor: 0, perConversion: 0, revenueShare: 0 };
    const result = incrementalProfit({ control: arm([5], noCosts), variant: arm([0, 3], noCosts), margin: 1 });
    expect(result.status).toBe('insufficient_data');
    expect(result.incrementalNetProfitPerVisitorCI).toBeNull();
  });
});

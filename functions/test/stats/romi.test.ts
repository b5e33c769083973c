import { describe, expect, it } from 'vitest';
import { variantRomi } from '../../src/stats/romi.ts';
import { expectClose } from './reference.ts';

describe('variantRomi', () => {
  it('computes I = F + v·n + c·x + s·R, m·R and (m·R − I)/I', () => {
    // I = 100 + 0.05·1000 + 2·50 + 0.1·2500 = 500; m·R = 0.4·2500 = 1000; ROMI = 500/500 = 1.
    const result = variantRomi({
      visitors: 1000,
      conversions: 50,
      revenue: 2500,
      costs: { fixed: 100, perVisitor: 0.05, perConversion: 2, revenueShare: 0.1 },
      margin: 0.4,
    });
    expect(result.status).toBe('ok');
    expectClose(result.investment, 500, 1e-15);
    expectClose(result.grossProfit, 1000, 1e-15);
    expectClose(result.romi, 1, 1e-15);
  });

  it('has no ROMI when nothing was invested', () => {
    const result = variantRomi({
      visitors: 1000,
      conversions: 50,
      revenue: 2500,
      costs: { fixed: 0, perVisitor: 0, perConversion: 0, revenueShare: 0 },
      margin: 1,
    });
    expect(result).toEqual({ status: 'insufficient_data', investment: 0, grossProfit: 2500, romi: null });
  });
});

import { describe, expect, it } from 'vitest';
import { decide, type DecisionInput, type VariantEvidence } from '../../src/stats/decide.ts';
import { summarize, type VariantStats } from '../../src/stats/summarize.ts';

const okSrm = { status: 'ok', chiSquare: 0.2, degreesOfFreedom: 1, pValue: 0.65, mismatch: false } as const;

function evidence(overrides: Partial<VariantEvidence> = {}): VariantEvidence {
  return {
    key: 'b',
    visitors: 20_000,
    conversionRate: 0.056,
    absoluteLift: 0.006,
    relativeLift: 0.12,
    relativeLiftCI: [0.04, 0.2],
    adjustedSequentialPValue: 0.01,
    effectRuledOut: false,
    incrementalNetProfitPerVisitor: null,
    probabilityProfitable: null,
    incrementalRomi: null,
    ...overrides,
  };
}

function input(overrides: Partial<DecisionInput> = {}): DecisionInput {
  return {
    alpha: 0.05,
    mde: 0.1,
    control: { key: 'a', visitors: 20_000, conversionRate: 0.05 },
    variants: [evidence()],
    srm: okSrm,
    minimumVisitorsPerVariant: 100,
    visitorsNeeded: 12_400,
    dailyVisitors: 2_500,
    costsConfigured: false,
    money: { currency: 'EUR' },
    ...overrides,
  };
}

describe('decide', () => {
  it('declares a winner with its lift, interval and payback', () => {
    const decision = decide(
      input({
        costsConfigured: true,
        variants: [evidence({ incrementalNetProfitPerVisitor: 0.4, probabilityProfitable: 0.97, incrementalRomi: 1.3 })],
      }),
    );
    expect(decision).toEqual({
      status: 'winner',
      variant: 'b',
      message:
        'Variant "b" converts 12% better than the control (95% CI 4% to 20%) and earns €2.30 of gross profit ' +
        'per €1 of marketing cost. Safe to roll out.',
    });
  });

  it('warns when the winner converts better but loses money after its costs', () => {
    const decision = decide(
      input({
        costsConfigured: true,
        variants: [evidence({ incrementalNetProfitPerVisitor: -0.12, probabilityProfitable: 0.08, incrementalRomi: -0.4 })],
      }),
    );
    expect(decision.status).toBe('winner');
    expect(decision.message).toContain('loses €0.12 per visitor');
    expect(decision.message).not.toContain('Safe to roll out');
  });

  it('declares a loser when a variant is significantly worse', () => {
    const decision = decide(input({ variants: [evidence({ absoluteLift: -0.004, relativeLift: -0.08, relativeLiftCI: [-0.12, -0.04] })] }));
    expect(decision).toEqual({
      status: 'loser',
      variant: 'b',
      message: 'Variant "b" converts 8% worse than the control (95% CI -12% to -4%). Stop it and keep the control.',
    });
  });

  it('does not act on a fixed-horizon p-value: without sequential evidence it is inconclusive', () => {
    const decision = decide(input({ variants: [evidence({ adjustedSequentialPValue: 0.2, relativeLiftCI: [0.01, 0.23] })] }));
    expect(decision.status).toBe('inconclusive');
    expect(decision.visitorsNeeded).toBe(12_400);
    expect(decision.daysNeeded).toBe(5);
    expect(decision.message).toContain('About 12,400 more visitors (about 5 days at current traffic)');
  });

  it('calls no difference when every always-valid interval excludes the mde', () => {
    const decision = decide(input({ variants: [evidence({ adjustedSequentialPValue: 0.7, effectRuledOut: true })] }));
    expect(decision.status).toBe('no_difference');
    expect(decision.message).toContain('by 10% or more');
  });

  it('keeps collecting below the minimum sample', () => {
    const decision = decide(input({ control: { key: 'a', visitors: 60, conversionRate: 0.05 } }));
    expect(decision.status).toBe('collecting');
    expect(decision.message).toContain('the smallest has 60');
  });

  it('puts a sample ratio mismatch before everything else', () => {
    const decision = decide(input({ srm: { ...okSrm, pValue: 0.00002, mismatch: true } }));
    expect(decision).toMatchObject({ status: 'srm', variant: null });
    expect(decision.message).toContain('no winner is declared');
  });
});

describe('summarize decision', () => {
  const arm = (key: string, visitors: number, conversions: number, extra: Partial<VariantStats> = {}): VariantStats => ({
    key,
    weight: 1,
    visitors,
    conversions,
    revenue: 0,
    revenueSquares: 0,
    ...extra,
  });

  it('names a clear winner from counts', () => {
    const summary = summarize({
      experiment: 'hero',
      goal: 'purchase',
      variants: [arm('control', 40_000, 2_000, { control: true }), arm('badge', 40_000, 2_400)],
    });
    expect(summary.decision.status).toBe('winner');
    expect(summary.decision.variant).toBe('badge');
    expect(summary.decision.message).toMatch(/^Variant "badge" converts 20% better than the control \(95% CI 1\d% to 2\d%\)\. Safe to roll out\.$/);
  });

  it('tells how many days are still needed at the current traffic', () => {
    const summary = summarize({
      experiment: 'hero',
      goal: 'purchase',
      dailyVisitors: 1_000,
      variants: [arm('control', 5_000, 250, { control: true }), arm('badge', 5_000, 262)],
    });
    expect(summary.decision.status).toBe('inconclusive');
    expect(summary.decision.visitorsNeeded).toBeGreaterThan(0);
    expect(summary.decision.daysNeeded).toBe(Math.ceil((summary.decision.visitorsNeeded ?? 0) / 1_000));
  });

  it('never declares a winner under a sample ratio mismatch', () => {
    const summary = summarize({
      experiment: 'hero',
      goal: 'purchase',
      variants: [arm('control', 40_000, 2_000, { control: true }), arm('badge', 36_000, 2_400)],
    });
    expect(summary.srm.mismatch).toBe(true);
    expect(summary.decision.status).toBe('srm');
  });
});

import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/stats/summarize.ts';
import type { ResultSummary, VariantSummary } from '../../src/stats/result-summary.ts';
import { expectClose, expectFiniteEverywhere, expectIntervalClose, reference, type Fixture } from './reference.ts';

const CLOSED_FORM = 1e-9;

function variantOf(summary: ResultSummary, key: string): VariantSummary {
  const found = summary.variants.find((variant) => variant.key === key);
  if (found === undefined) throw new Error(`no variant ${key}`);
  return found;
}

function checkFixture(fixture: Fixture): void {
  const summary = summarize(fixture.input);
  expectFiniteEverywhere(summary);
  expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);

  for (const expected of fixture.expected.variants) {
    const actual = variantOf(summary, expected.key);
    const label = `${fixture.name} / ${expected.key}`;
    expectClose(actual.conversionRate, expected.conversionRate, CLOSED_FORM, 0, `${label} conversionRate`);
    expectIntervalClose(actual.conversionRateCI, expected.conversionRateCI, CLOSED_FORM, 1e-15, `${label} Wilson`);
    expectClose(actual.revenuePerVisitor, expected.revenuePerVisitor, CLOSED_FORM, 0, `${label} revenuePerVisitor`);
    for (const [stage, rate] of Object.entries(expected.abandonment)) {
      const got = actual.abandonment[stage];
      expectClose(got?.rate, rate.rate, CLOSED_FORM, 0, `${label} ${stage} rate`);
      expectIntervalClose(got?.rateCI, rate.rateCI, CLOSED_FORM, 1e-15, `${label} ${stage} rateCI`);
      expectClose(got?.recoveredShare, rate.recoveredShare, CLOSED_FORM, 0, `${label} ${stage} recoveredShare`);
    }
    expectClose(actual.romi.investment, expected.romi.investment, CLOSED_FORM, 1e-12, `${label} investment`);
    expectClose(actual.romi.grossProfit, expected.romi.grossProfit, CLOSED_FORM, 1e-12, `${label} grossProfit`);
    expectClose(actual.romi.romi, expected.romi.romi, CLOSED_FORM, 1e-15, `${label} romi`);
  }

  for (const [key, expected] of Object.entries(fixture.expected.vsControl)) {
    const vs = variantOf(summary, key).vsControl;
    const label = `${fixture.name} / ${key}`;
    expect(vs, label).not.toBeNull();
    if (vs === null) continue;
    expectClose(vs.absoluteLift, expected.absoluteLift, CLOSED_FORM, 1e-17, `${label} absoluteLift`);
    expectIntervalClose(vs.absoluteLiftCI, expected.absoluteLiftCI, CLOSED_FORM, 1e-16, `${label} absoluteLiftCI`);
    expectClose(vs.relativeLift, expected.relativeLift, CLOSED_FORM, 1e-15, `${label} relativeLift`);
    expectIntervalClose(vs.relativeLiftCI, expected.relativeLiftCI, CLOSED_FORM, 1e-15, `${label} relativeLiftCI`);
    expectClose(vs.pValue, expected.pValue, CLOSED_FORM, 0, `${label} pValue`);
    expectClose(vs.adjustedPValue, expected.adjustedPValue, CLOSED_FORM, 0, `${label} adjustedPValue`);
    expectClose(vs.sequentialPValue, expected.sequentialPValue, CLOSED_FORM, 0, `${label} sequentialPValue`);
    expectClose(vs.adjustedSequentialPValue, expected.adjustedSequentialPValue, CLOSED_FORM, 0, `${label} adjustedSequentialPValue`);
    expectClose(vs.chanceToBeatControl, expected.chanceToBeatControl, 0, 1e-9, `${label} chanceToBeatControl`);
    expectClose(vs.expectedLoss, expected.expectedLoss, 1e-6, 1e-12, `${label} expectedLoss`);
    expect(vs.revenueStatus, `${label} revenueStatus`).toBe(expected.revenueStatus);
    expectClose(vs.revenuePerVisitorDiff, expected.revenuePerVisitorDiff, CLOSED_FORM, 1e-13, `${label} revenue diff`);
    expectIntervalClose(vs.revenuePerVisitorDiffCI, expected.revenuePerVisitorDiffCI, CLOSED_FORM, 1e-13, `${label} revenue CI`);
    expectClose(vs.revenuePValue, expected.revenuePValue, CLOSED_FORM, 0, `${label} revenuePValue`);
    for (const [stage, comparison] of Object.entries(expected.abandonment)) {
      const got = vs.abandonment[stage];
      expectClose(got?.difference, comparison.difference, CLOSED_FORM, 1e-17, `${label} ${stage} difference`);
      expectIntervalClose(got?.differenceCI, comparison.differenceCI, CLOSED_FORM, 1e-16, `${label} ${stage} differenceCI`);
      expectClose(got?.pValue, comparison.pValue, CLOSED_FORM, 0, `${label} ${stage} pValue`);
    }
    const romi = expected.romi;
    expect(vs.romi.status, `${label} romi status`).toBe(romi.status);
    expectClose(vs.romi.incrementalNetProfitPerVisitor, romi.incrementalNetProfitPerVisitor, CLOSED_FORM, 1e-13, `${label} Δ net`);
    expectIntervalClose(vs.romi.incrementalNetProfitPerVisitorCI, romi.incrementalNetProfitPerVisitorCI, CLOSED_FORM, 1e-13, `${label} Δ net CI`);
    expectClose(vs.romi.probabilityProfitable, romi.probabilityProfitable, CLOSED_FORM, 1e-15, `${label} probabilityProfitable`);
    expectClose(vs.romi.incrementalRomi, romi.incrementalRomi, CLOSED_FORM, 1e-13, `${label} incrementalRomi`);
    expectClose(vs.romi.projectedMonthlyProfit, romi.projectedMonthlyProfit, CLOSED_FORM, 1e-8, `${label} projected`);
    expectIntervalClose(vs.romi.projectedMonthlyProfitCI, romi.projectedMonthlyProfitCI, CLOSED_FORM, 1e-8, `${label} projected CI`);
  }

  const srm = fixture.expected.srm;
  expect(summary.srm.status).toBe(srm.status);
  expect(summary.srm.mismatch).toBe(srm.mismatch);
  expectClose(summary.srm.pValue, srm.pValue, CLOSED_FORM, 1e-300, `${fixture.name} srm pValue`);
  if (srm.chiSquare !== undefined) expectClose(summary.srm.chiSquare, srm.chiSquare, CLOSED_FORM, 1e-12, 'chi-square');
}

describe('summarize against scipy/statsmodels reference values', () => {
  for (const fixture of reference.fixtures) {
    it(`reproduces every convention for "${fixture.name}"`, () => checkFixture(fixture));
  }
});

describe('summarize on thin and degenerate data', () => {
  const arm = (key: string, visitors: number, conversions: number, control = false) => ({
    key,
    control,
    weight: 1,
    visitors,
    conversions,
    revenue: 0,
    revenueSquares: 0,
  });

  it('summarizes an experiment with no variants at all', () => {
    const summary = summarize({ experiment: 'empty', goal: 'purchase', variants: [] });
    expect(summary.variants).toEqual([]);
    expect(summary.srm).toMatchObject({ status: 'insufficient_data', pValue: null, mismatch: false });
    expect(summary.decision.status).toBe('collecting');
    expectFiniteEverywhere(summary);
  });

  it('summarizes a control on its own', () => {
    const summary = summarize({ experiment: 'solo', goal: 'purchase', variants: [arm('a', 120, 6, true)] });
    expect(summary.variants[0]?.vsControl).toBeNull();
    expect(summary.decision).toMatchObject({ status: 'collecting', variant: null });
  });

  it('marks a comparison without visitors as insufficient data', () => {
    const summary = summarize({ experiment: 'new', goal: 'purchase', variants: [arm('a', 0, 0, true), arm('b', 0, 0)] });
    const vs = summary.variants[1]?.vsControl;
    expect(vs).toMatchObject({ status: 'insufficient_data', pValue: null, chanceToBeatControl: null, sequentialPValue: null });
    expect(summary.variants[0]).toMatchObject({ status: 'insufficient_data', conversionRate: null, conversionRateCI: null });
    expectFiniteEverywhere(summary);
  });

  it('marks 0% in both arms as zero variance but still reports the posterior comparison', () => {
    const summary = summarize({ experiment: 'flat', goal: 'purchase', variants: [arm('a', 400, 0, true), arm('b', 500, 0)] });
    const vs = summary.variants[1]?.vsControl;
    expect(vs).toMatchObject({ status: 'zero_variance', absoluteLift: 0, absoluteLiftCI: null, relativeLift: null, pValue: null });
    expect(vs?.chanceToBeatControl).toBeLessThan(0.5);
    expect(vs?.revenueStatus).toBe('zero_variance');
  });

  it('takes the first variant as control when none is marked', () => {
    const summary = summarize({ experiment: 'x', goal: 'g', variants: [arm('first', 100, 5), arm('second', 100, 7)] });
    expect(summary.variants.map((variant) => variant.control)).toEqual([true, false]);
  });

  it('refuses impossible counts, which the edge schemas should have caught', () => {
    expect(() => summarize({ experiment: 'x', goal: 'g', variants: [arm('a', 10, 11, true)] })).toThrow(RangeError);
    expect(() => summarize({ experiment: 'x', goal: 'g', variants: [arm('a', -1, 0, true)] })).toThrow(RangeError);
    expect(() => summarize({ experiment: 'x', goal: 'g', alpha: 0, variants: [arm('a', 10, 1, true)] })).toThrow(RangeError);
  });
});

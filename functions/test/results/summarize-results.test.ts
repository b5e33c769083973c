import { describe, expect, it } from 'vitest';
import { transition } from '../../src/domain/lifecycle.ts';
import { readResults } from '../../src/use-cases/read-results.ts';
import { minorUnitDigits, summarizeResults } from '../../src/use-cases/summarize-results.ts';
import { counterRow, fakeDeps, launchedExperiment } from './fake-store.ts';

/** Two days of hero-offer traffic: A converts 1 then 2 visitors, B converts 3 then 1. */
const rows = [
  counterRow('A', '2025-05-01', { visitors: 10, conversions: 1, revenue: 2500, revenueSquares: 6_250_000, cart: 3, recovered: 1 }),
  counterRow('B', '2025-05-01', { visitors: 12, conversions: 3, revenue: 6000, revenueSquares: 12_500_000, cart: 2 }),
  counterRow('A', '2025-05-02', { visitors: 5, conversions: 2, revenue: 3000, revenueSquares: 4_500_000 }),
  counterRow('B', '2025-05-03', { visitors: 8, conversions: 1, revenue: 1000, revenueSquares: 1_000_000, cart: 1, recovered: 1 }),
];

describe('summarizeResults', () => {
  it('converts revenue from minor units to currency units for the statistics', async () => {
    const document = await summarizeResults(fakeDeps(launchedExperiment(), rows), 'hero-offer');
    const [a, b] = document.variants;
    expect(document.minorUnitDigits).toBe(2);
    // A: 2500 + 3000 cents = €55 over 15 visitors; B: €70 over 20 visitors
    expect(a?.revenuePerVisitor).toBeCloseTo(55 / 15, 12);
    expect(b?.revenuePerVisitor).toBeCloseTo(70 / 20, 12);
    // gross profit = margin 0.4 × €70; investment = 500 + 2 × 4 conversions + 0.1 × €70
    expect(b?.romi.grossProfit).toBeCloseTo(28, 12);
    expect(b?.romi.investment).toBeCloseTo(515, 12);
    expect(b?.vsControl?.revenuePerVisitorDiff).toBeCloseTo(3.5 - 55 / 15, 12);
  });

  it('takes a zero-decimal currency as whole units', async () => {
    const document = await summarizeResults(fakeDeps(launchedExperiment({ currency: 'JPY' }), rows), 'hero-offer');
    expect(document.minorUnitDigits).toBe(0);
    expect(document.variants[0]?.revenuePerVisitor).toBeCloseTo(5500 / 15, 9);
    expect(document.settings.currency).toBe('JPY');
  });

  it('knows the minor unit of two-, zero- and three-decimal currencies (ISO 4217)', () => {
    expect(minorUnitDigits('EUR')).toBe(2);
    expect(minorUnitDigits('USD')).toBe(2);
    expect(minorUnitDigits('JPY')).toBe(0);
    expect(minorUnitDigits('KRW')).toBe(0);
    expect(minorUnitDigits('KWD')).toBe(3);
  });

  it('keeps every field of the counts document with its value', async () => {
    const deps = fakeDeps(launchedExperiment(), rows);
    const counts = await readResults(deps, 'hero-offer');
    const document = await summarizeResults(deps, 'hero-offer');
    expect(document).toMatchObject({ experiment: 'hero-offer', phase: 1, goal: 'purchase', currency: 'EUR', daily: counts.daily });
    expect(document.variants).toHaveLength(counts.variants.length);
    counts.variants.forEach((row, index) => expect(document.variants[index]).toMatchObject(row));
    expect(document.variants[0]).toMatchObject({
      key: 'A',
      control: true,
      weight: 0.5,
      visitors: 15,
      conversions: 3,
      revenue: 5500,
      revenueSquares: 10_750_000,
      revenueSquaresExact: '10750000',
      abandonments: { cart: 3 },
      recovered: { cart: 1 },
    });
  });

  it('adds the summary: per-variant statistics, the comparison, srm and decision', async () => {
    const document = await summarizeResults(fakeDeps(launchedExperiment(), rows), 'hero-offer');
    const [a, b] = document.variants;
    expect(a?.conversionRate).toBe(3 / 15);
    // statsmodels proportion_confint(3, 15, 0.05, method="wilson")
    expect(a?.conversionRateCI?.[0]).toBeCloseTo(0.07047549346981555, 12);
    expect(a?.conversionRateCI?.[1]).toBeCloseTo(0.45185448715169363, 12);
    expect(a?.vsControl).toBeNull();
    expect(b?.vsControl?.absoluteLift).toBeCloseTo(4 / 20 - 3 / 15, 15);
    expect(a?.abandonment['cart']).toMatchObject({ abandoners: 3, recovered: 1, rate: 3 / 15, recoveredShare: 1 / 3 });
    expect(document.srm.status).toBe('ok');
    // 35 visitors, fewer than 100 in each arm
    expect(document.decision.status).toBe('collecting');
  });

  it('gives charts cumulative counts per day and variant, carrying a variant over days without visitors', async () => {
    const document = await summarizeResults(fakeDeps(launchedExperiment(), rows), 'hero-offer');
    const series = document.cumulative.map(({ day, variant, visitors, conversions }) => [day, variant, visitors, conversions]);
    expect(series).toEqual([
      ['2025-05-01', 'A', 10, 1],
      ['2025-05-01', 'B', 12, 3],
      ['2025-05-02', 'A', 15, 3],
      ['2025-05-02', 'B', 12, 3],
      ['2025-05-03', 'A', 15, 3],
      ['2025-05-03', 'B', 20, 4],
    ]);
    const first = document.cumulative[0];
    expect(first?.conversionRate).toBe(0.1);
    // statsmodels proportion_confint(1, 10, 0.05, method="wilson")
    expect(first?.conversionRateCI?.[0]).toBeCloseTo(0.017876213095072924, 12);
    expect(first?.conversionRateCI?.[1]).toBeCloseTo(0.40415002679523854, 12);
  });

  it('leaves the rate and interval of a day without visitors null', async () => {
    const lateStart = [counterRow('A', '2025-05-01', { visitors: 4 }), counterRow('B', '2025-05-02', { visitors: 3, conversions: 1 })];
    const document = await summarizeResults(fakeDeps(launchedExperiment(), lateStart), 'hero-offer');
    expect(document.cumulative[1]).toEqual({ day: '2025-05-01', variant: 'B', visitors: 0, conversions: 0, conversionRate: null, conversionRateCI: null });
  });

  it('passes the intervals of the chart at the requested alpha', async () => {
    const document = await summarizeResults(fakeDeps(launchedExperiment(), rows), 'hero-offer', { alpha: 0.1 });
    // statsmodels proportion_confint(1, 10, 0.1, method="wilson")
    expect(document.cumulative[0]?.conversionRateCI?.[0]).toBeCloseTo(0.02263490873086718, 12);
    expect(document.cumulative[0]?.conversionRateCI?.[1]).toBeCloseTo(0.34771866733585843, 12);
    expect(document.settings.alpha).toBe(0.1);
  });

  it('uses the earlier days as looks of the sequential test, so its p-value is their running minimum', async () => {
    // day 1: a large gap (A 200/10,000, B 600/10,000); by day 2 it has closed (700/20,000 each)
    const converging = [
      counterRow('A', '2025-05-01', { visitors: 10_000, conversions: 200 }),
      counterRow('B', '2025-05-01', { visitors: 10_000, conversions: 600 }),
      counterRow('A', '2025-05-02', { visitors: 10_000, conversions: 500 }),
      counterRow('B', '2025-05-02', { visitors: 10_000, conversions: 100 }),
    ];
    const document = await summarizeResults(fakeDeps(launchedExperiment(), converging), 'hero-offer');
    const b = document.variants[1]?.vsControl;
    // the totals alone show no difference: the fixed-horizon p-value is 1
    expect(b?.pValue).toBeCloseTo(1, 12);
    // min over both looks of 1/Λ, τ = 0.1 × 0.035, Λ from scipy.stats.norm.logpdf (docs/statistics.md §4):
    // day 1 gives 1/Λ = exp(-63.549…) = 2.5168571279837968e-28, day 2 (no gap) 1/Λ > 1
    expect(b?.sequentialPValue).not.toBeNull();
    expect(Math.abs(b!.sequentialPValue! / 2.5168571279837968e-28 - 1)).toBeLessThan(1e-9);
  });

  it('estimates days still needed from the visitors per day since the phase started', async () => {
    const traffic = [counterRow('A', '2025-05-01', { visitors: 500, conversions: 25 }), counterRow('B', '2025-05-01', { visitors: 500, conversions: 27 })];
    // launched 2025-05-01T00:00Z, now 2025-05-11T00:00Z: 1,000 visitors in 10 days = 100 per day
    const document = await summarizeResults(fakeDeps(launchedExperiment(), traffic), 'hero-offer');
    const { status, visitorsNeeded, daysNeeded } = document.decision;
    expect(status).toBe('inconclusive');
    expect(visitorsNeeded).toBeGreaterThan(0);
    expect(daysNeeded).toBe(Math.ceil(visitorsNeeded! / 100));
  });

  it('uses the weights of the phase read and leaves out variants that phase did not have', async () => {
    const launchedAt = new Date('2025-05-01T00:00:00.000Z');
    const first = launchedExperiment({}, launchedAt);
    const second = transition(
      first,
      'phase',
      {
        variants: [
          { key: 'A', weight: 0.4, control: true, payload: {} },
          { key: 'B', weight: 0.3, control: false, payload: {} },
          { key: 'C', weight: 0.3, control: false, payload: {} },
        ],
      },
      { now: new Date('2025-05-05T00:00:00.000Z'), newSeed: () => 'seed-2' },
    );
    const phaseOne = [counterRow('A', '2025-05-01', { visitors: 500, conversions: 25 }), counterRow('B', '2025-05-01', { visitors: 500, conversions: 30 })];
    const document = await summarizeResults(fakeDeps(second, phaseOne), 'hero-offer', { phase: 1 });
    expect(document.phase).toBe(1);
    expect(document.variants.map((variant) => [variant.key, variant.weight])).toEqual([
      ['A', 0.5],
      ['B', 0.5],
    ]);
    expect(document.srm.mismatch).toBe(false);
    // scipy.stats.chisquare([500, 500]) → p = 1
    expect(document.srm.pValue).toBeCloseTo(1, 12);
  });

  it('refuses an alpha outside (0, 1) as a validation error', async () => {
    await expect(summarizeResults(fakeDeps(launchedExperiment(), rows), 'hero-offer', { alpha: 1.5 })).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('reports an unknown experiment as not found', async () => {
    await expect(summarizeResults(fakeDeps(launchedExperiment(), rows), 'nope')).rejects.toMatchObject({ code: 'not_found' });
  });
});

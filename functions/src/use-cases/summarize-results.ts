import { ValidationError, type Experiment } from '../domain/index.ts';
import { summarize, wilsonInterval, type CumulativeCount, type Interval, type ResultSummary, type VariantStats, type VariantSummary } from '../stats/index.ts';
import type { Deps } from './deps.ts';
import { getExperiment } from './manage-experiments.ts';
import { readCounts, type DailyCounts, type ResultCounts, type VariantCounts } from './read-results.ts';

/**
 * One variant's row: the counts (revenue and revenueSquares stay in minor units, as the
 * counts document defines them) with every field of the variant's summary except its
 * `revenue` total, which the summary states in currency units and would clash; every
 * other amount (revenuePerVisitor, vsControl, romi) is in currency units.
 */
export type VariantResult = VariantCounts & Omit<VariantSummary, 'revenue'>;

/** A variant's counts summed over the exposure-day cohorts up to and including `day`, for charts. */
export interface CumulativePoint {
  day: string;
  variant: string;
  visitors: number;
  conversions: number;
  conversionRate: number | null;
  conversionRateCI: Interval | null;
}

/** The counts document extended with the result summary (DESIGN.md §6). */
export interface ResultsDocument extends Omit<ResultCounts, 'variants'>, Pick<ResultSummary, 'settings' | 'srm' | 'decision'> {
  /** decimal digits of the currency's minor unit: revenue counts ÷ 10^digits = currency units */
  minorUnitDigits: number;
  variants: VariantResult[];
  cumulative: CumulativePoint[];
}

export interface SummarizeResultsOptions {
  goal?: string;
  phase?: number;
  /** two-sided significance level, default 0.05 */
  alpha?: number;
  /** visitors per month at full rollout, for the projected monthly profit */
  visitorsPerMonth?: number;
}

const DAY_MS = 86_400_000;

/**
 * The result summary of one experiment phase and goal: reads the counts, converts revenue
 * from minor to currency units, takes the margin, the per-variant costs and the phase's
 * weights from the experiment, and runs the statistics engine with each day's cumulative
 * counts as the sequential test's earlier looks and the phase's average traffic per day
 * for the days still needed. Days are exposure-day cohorts, so a look is "every visitor
 * who arrived by that day, with what they have done since": nested samples, which is
 * what the mixture SPRT's running minimum needs.
 */
export async function summarizeResults(deps: Deps, key: string, options: SummarizeResultsOptions = {}): Promise<ResultsDocument> {
  const { alpha, visitorsPerMonth } = options;
  if (alpha !== undefined && !(alpha > 0 && alpha < 1)) throw new ValidationError('alpha must lie strictly between 0 and 1.', { alpha });
  if (visitorsPerMonth !== undefined && !(Number.isFinite(visitorsPerMonth) && visitorsPerMonth >= 0 && visitorsPerMonth <= 1e12)) {
    throw new ValidationError('visitorsPerMonth must be a number from 0 to 1e12.', { visitorsPerMonth });
  }
  const experiment = await getExperiment(deps, key);
  const counts = await readCounts(deps, experiment, { goal: options.goal, phase: options.phase });

  const digits = minorUnitDigits(counts.currency);
  const scale = 10 ** digits;
  const phase = experiment.phases.find((candidate) => candidate.phase === counts.phase);
  const rows = counts.variants;
  const days = [...new Set(counts.daily.map((row) => row.day))].sort();
  const cumulative = cumulativeCounts(rows, counts.daily, days);

  const summary = summarize({
    experiment: counts.experiment,
    goal: counts.goal,
    alpha,
    margin: experiment.margin,
    visitorsPerMonth,
    dailyVisitors: dailyVisitors(rows, phase, deps.clock()),
    currency: counts.currency,
    variants: rows.map(
      (row): VariantStats => ({
        key: row.key,
        control: row.control,
        weight: row.weight,
        visitors: row.visitors,
        conversions: row.conversions,
        revenue: row.revenue / scale,
        revenueSquares: row.revenueSquares / (scale * scale),
        abandonments: row.abandonments,
        recovered: row.recovered,
        costs: costsOf(experiment, row.key),
        history: (cumulative.get(row.key) ?? []).slice(0, -1),
      }),
    ),
  });

  const level = summary.settings.alpha;
  return {
    experiment: counts.experiment,
    phase: counts.phase,
    goal: counts.goal,
    currency: counts.currency,
    minorUnitDigits: digits,
    settings: summary.settings,
    variants: rows.map((row, index) => {
      const { revenue: _revenueInCurrencyUnits, ...variantSummary } = summary.variants[index] as VariantSummary;
      return { ...row, ...variantSummary };
    }),
    daily: counts.daily,
    cumulative: days.flatMap((day, dayIndex) =>
      rows.map((row): CumulativePoint => {
        const { visitors, conversions } = cumulative.get(row.key)?.[dayIndex] ?? { visitors: 0, conversions: 0 };
        return {
          day,
          variant: row.key,
          visitors,
          conversions,
          conversionRate: visitors > 0 ? conversions / visitors : null,
          conversionRateCI: wilsonInterval(conversions, visitors, level),
        };
      }),
    ),
    srm: summary.srm,
    decision: summary.decision,
  };
}

/** 2 for EUR, 0 for JPY, 3 for KWD: the exponent of the currency's minor unit. */
export function minorUnitDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Per variant, its cumulative counts at the end of each day, aligned with `days`. */
function cumulativeCounts(rows: VariantCounts[], daily: DailyCounts[], days: string[]): Map<string, CumulativeCount[]> {
  const byDay = new Map(days.map((day, index) => [day, index]));
  const series = new Map<string, CumulativeCount[]>();
  for (const row of rows) {
    const perDay = days.map(() => ({ visitors: 0, conversions: 0 }));
    for (const entry of daily) {
      const index = byDay.get(entry.day);
      if (entry.variant !== row.key || index === undefined) continue;
      perDay[index]!.visitors += entry.visitors;
      perDay[index]!.conversions += entry.conversions;
    }
    let visitors = 0;
    let conversions = 0;
    series.set(
      row.key,
      perDay.map((day) => {
        visitors += day.visitors;
        conversions += day.conversions;
        return { visitors, conversions };
      }),
    );
  }
  return series;
}

/** All variants' visitors per day since the phase started (at least one day, so a first hour is not extrapolated). */
function dailyVisitors(rows: VariantCounts[], phase: Experiment['phases'][number] | undefined, now: Date): number | undefined {
  const visitors = rows.reduce((sum, row) => sum + row.visitors, 0);
  if (phase === undefined || visitors === 0) return undefined;
  const start = Date.parse(phase.startedAt);
  const end = phase.endedAt === undefined ? now.getTime() : Date.parse(phase.endedAt);
  if (!Number.isFinite(start) || !Number.isFinite(end)) return undefined;
  return visitors / Math.max(1, (end - start) / DAY_MS);
}

function costsOf(experiment: Experiment, variant: string): VariantStats['costs'] {
  const costs = experiment.costs[variant];
  if (costs === undefined) return undefined;
  return {
    fixed: costs.fixed ?? 0,
    perVisitor: costs.perVisitor ?? 0,
    perConversion: costs.perConversion ?? 0,
    revenueShare: costs.revenueShare ?? 0,
  };
}

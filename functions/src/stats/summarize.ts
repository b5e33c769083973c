import type {
  AbandonmentComparison,
  AbandonmentRate,
  ResultSummary,
  Status,
  SummarySettings,
  VariantSummary,
  VsControl,
} from './result-summary.ts';
import type { Proportion } from './proportion.ts';
import type { SequentialLook } from './mixture-sprt.ts';
import type { VariantEvidence } from './decide.ts';
import { NO_COSTS, type Costs } from './costs.ts';
import { chanceToBeatControl, expectedLoss } from './chance-to-beat-control.ts';
import { decide } from './decide.ts';
import { holmBonferroni } from './holm-bonferroni.ts';
import { incrementalProfit, type ArmEconomics } from './incremental-profit.ts';
import { mixtureConfidenceSequence } from './mixture-confidence-sequence.ts';
import { mixtureSprtPValue } from './mixture-sprt.ts';
import { proportionDifference } from './proportion-difference.ts';
import { relativeLift } from './relative-lift.ts';
import { variantRomi } from './romi.ts';
import { sampleRatioMismatch } from './sample-ratio-mismatch.ts';
import { sequentialSampleSize } from './sequential-sample-size.ts';
import { twoProportionZTest } from './two-proportion-z-test.ts';
import { welchTTest } from './welch-t-test.ts';
import { wilsonInterval } from './wilson-interval.ts';

/** Cumulative counts of one variant at one earlier look (e.g. the end of a day). */
export interface CumulativeCount {
  visitors: number;
  conversions: number;
}

/** Sufficient statistics of one variant for one goal. Money is in currency units. */
export interface VariantStats {
  key: string;
  /** the first variant marked control is the control; if none is, the first variant */
  control?: boolean;
  weight: number;
  visitors: number;
  conversions: number;
  /** Σ over visitors of each visitor's revenue total */
  revenue: number;
  /** Σ over visitors of the square of each visitor's revenue total */
  revenueSquares: number;
  /** abandoners per stage */
  abandonments?: Record<string, number>;
  /** abandoners per stage who converted later */
  recovered?: Record<string, number>;
  costs?: Costs;
  /**
   * Cumulative counts at earlier looks, oldest first, aligned by index with the
   * control's history; lets the sequential p-value take its running minimum.
   */
  history?: CumulativeCount[];
}

export interface SummaryInput {
  experiment: string;
  goal: string;
  /** two-sided significance level, default 0.05 */
  alpha?: number;
  /** gross margin on revenue, 0–1, default 1 */
  margin?: number;
  /** visitors per month at full rollout, for the projected monthly profit */
  visitorsPerMonth?: number;
  /** below this many visitors in any variant the decision is `collecting`; default 100 */
  minimumVisitorsPerVariant?: number;
  /** current traffic per day, all variants together, for the days still needed */
  dailyVisitors?: number;
  /** power for the visitors still needed, default 0.8 */
  power?: number;
  /** relative minimum detectable effect, default 0.1: plans the sample and tunes the sequential test */
  mde?: number;
  /** mixing standard deviation τ of the sequential test on the absolute difference; default mde × pooled rate */
  sequentialMixingSd?: number;
  /** ISO 4217 code for messages, e.g. "EUR" */
  currency?: string;
  /** literal symbol for messages, e.g. "€" (wins over `currency`) */
  currencySymbol?: string;
  variants: VariantStats[];
}

const DEFAULTS = { alpha: 0.05, margin: 1, power: 0.8, mde: 0.1, minimumVisitorsPerVariant: 100 } as const;

/** Bounds that keep every intermediate sum, square and product finite. */
const MAXIMUM_COUNT = 1e12;
const MAXIMUM_AMOUNT = 1e15;

/**
 * The result summary of one experiment and goal (DESIGN.md §6; conventions in
 * docs/statistics.md): per variant its conversion rate, revenue, abandonment and ROMI;
 * per non-control variant the comparison with the control; the sample ratio check; and
 * the decision. Pure and total over valid counts: thin or degenerate data give nulls
 * with a `status`, never NaN, Infinity or an exception. Invalid input (negative counts,
 * a part larger than its whole, counts above 1e12 or money beyond ±1e15) throws a
 * RangeError — validation belongs at the edge.
 */
export function summarize(input: SummaryInput): ResultSummary {
  validate(input);
  const settings: SummarySettings = {
    alpha: input.alpha ?? DEFAULTS.alpha,
    margin: input.margin ?? DEFAULTS.margin,
    power: input.power ?? DEFAULTS.power,
    mde: input.mde ?? DEFAULTS.mde,
    minimumVisitorsPerVariant: input.minimumVisitorsPerVariant ?? DEFAULTS.minimumVisitorsPerVariant,
    visitorsPerMonth: input.visitorsPerMonth ?? null,
    currency: input.currencySymbol ?? input.currency ?? null,
  };
  const { alpha } = settings;
  const controlIndex = Math.max(
    0,
    input.variants.findIndex((variant) => variant.control === true),
  );
  const control = input.variants[controlIndex];
  const stages = [...new Set(input.variants.flatMap((variant) => Object.keys(variant.abandonments ?? {})))].sort();

  const comparisons = input.variants.map((variant, index) =>
    control === undefined || index === controlIndex ? null : compare(control, variant, stages, settings, input),
  );
  const adjusted = holmBonferroni(comparisons.map((comparison) => comparison?.pValue ?? null));
  const adjustedSequential = holmBonferroni(comparisons.map((comparison) => comparison?.sequentialPValue ?? null));

  const variants: VariantSummary[] = input.variants.map((variant, index) => {
    const comparison = comparisons[index] ?? null;
    return {
      key: variant.key,
      control: index === controlIndex,
      weight: variant.weight,
      status: variant.visitors > 0 ? 'ok' : 'insufficient_data',
      visitors: variant.visitors,
      conversions: variant.conversions,
      conversionRate: variant.visitors > 0 ? variant.conversions / variant.visitors : null,
      conversionRateCI: wilsonInterval(variant.conversions, variant.visitors, alpha),
      revenue: variant.revenue,
      revenuePerVisitor: variant.visitors > 0 ? variant.revenue / variant.visitors : null,
      abandonment: Object.fromEntries(stages.map((stage) => [stage, abandonmentRate(variant, stage, alpha)])),
      romi: variantRomi({ ...variant, costs: variant.costs ?? NO_COSTS, margin: settings.margin }),
      vsControl:
        comparison === null
          ? null
          : { ...comparison, adjustedPValue: adjusted[index] ?? null, adjustedSequentialPValue: adjustedSequential[index] ?? null },
    };
  });

  const srm = sampleRatioMismatch(
    input.variants.map((variant) => variant.visitors),
    input.variants.map((variant) => variant.weight),
  );
  const others = variants.filter((variant) => !variant.control);
  const controlSummary = control === undefined ? null : (variants[controlIndex] ?? null);
  const decision = decide({
    alpha,
    mde: settings.mde,
    control:
      controlSummary === null
        ? null
        : { key: controlSummary.key, visitors: controlSummary.visitors, conversionRate: controlSummary.conversionRate },
    variants: others.map((variant) => evidence(variant, control, settings, input, others.length)),
    srm,
    minimumVisitorsPerVariant: settings.minimumVisitorsPerVariant,
    visitorsNeeded: control === undefined ? null : visitorsNeeded(input.variants, control, settings, others.length),
    dailyVisitors: input.dailyVisitors ?? null,
    costsConfigured: input.variants.some((variant) => variant.costs !== undefined && hasCosts(variant.costs)),
    money: { currency: input.currency ?? null, currencySymbol: input.currencySymbol ?? null },
  });
  return { experiment: input.experiment, goal: input.goal, settings, variants, srm, decision };
}

type Comparison = Omit<VsControl, 'adjustedPValue' | 'adjustedSequentialPValue'>;

function compare(
  control: VariantStats,
  variant: VariantStats,
  stages: string[],
  settings: SummarySettings,
  input: SummaryInput,
): Comparison {
  const { alpha } = settings;
  const a = conversions(control);
  const b = conversions(variant);
  const bothObserved = a.trials > 0 && b.trials > 0;
  const zTest = twoProportionZTest(a, b);
  const difference = proportionDifference(a, b, alpha);
  const lift = relativeLift(a, b, alpha);
  const status: Status = !bothObserved
    ? 'insufficient_data'
    : zTest === null || difference?.interval == null || lift?.interval == null
      ? 'zero_variance'
      : 'ok';
  const revenue = welchTTest(revenueMoments(control), revenueMoments(variant), alpha);
  return {
    status,
    absoluteLift: difference?.difference ?? null,
    absoluteLiftCI: difference?.interval ?? null,
    relativeLift: lift?.lift ?? null,
    relativeLiftCI: lift?.interval ?? null,
    pValue: zTest?.pValue ?? null,
    sequentialPValue: mixtureSprtPValue(looks(control, variant), mixingStandardDeviation(a, b, settings.mde, input)),
    chanceToBeatControl: bothObserved ? chanceToBeatControl(a, b) : null,
    expectedLoss: bothObserved ? expectedLoss(a, b) : null,
    revenueStatus: revenue.status,
    revenuePerVisitorDiff: revenue.difference,
    revenuePerVisitorDiffCI: revenue.interval,
    revenuePValue: revenue.pValue,
    abandonment: Object.fromEntries(stages.map((stage) => [stage, abandonmentComparison(control, variant, stage, alpha)])),
    romi: incrementalProfit({
      control: economics(control),
      variant: economics(variant),
      margin: settings.margin,
      alpha,
      visitorsPerMonth: settings.visitorsPerMonth,
    }),
  };
}

/** τ = the configured value, else mde × the pair's pooled conversion rate (0 → no test). */
function mixingStandardDeviation(a: Proportion, b: Proportion, mde: number, input: SummaryInput): number {
  if (input.sequentialMixingSd !== undefined) return input.sequentialMixingSd;
  const trials = a.trials + b.trials;
  return trials > 0 ? Math.abs(mde) * ((a.successes + b.successes) / trials) : 0;
}

function looks(control: VariantStats, variant: VariantStats): SequentialLook[] {
  const controlHistory = control.history ?? [];
  const variantHistory = variant.history ?? [];
  const shared = Math.min(controlHistory.length, variantHistory.length);
  const earlier: SequentialLook[] = [];
  for (let index = 0; index < shared; index++) {
    const then = controlHistory[index];
    const now = variantHistory[index];
    if (then === undefined || now === undefined) continue;
    earlier.push({
      control: { successes: then.conversions, trials: then.visitors },
      variant: { successes: now.conversions, trials: now.visitors },
    });
  }
  return [...earlier, { control: conversions(control), variant: conversions(variant) }];
}

function abandonmentRate(variant: VariantStats, stage: string, alpha: number): AbandonmentRate {
  const abandoners = variant.abandonments?.[stage] ?? 0;
  const recovered = variant.recovered?.[stage] ?? 0;
  const observed = variant.visitors > 0;
  return {
    status: observed ? 'ok' : 'insufficient_data',
    abandoners,
    recovered,
    rate: observed ? abandoners / variant.visitors : null,
    rateCI: wilsonInterval(abandoners, variant.visitors, alpha),
    recoveredShare: abandoners > 0 ? recovered / abandoners : null,
  };
}

function abandonmentComparison(
  control: VariantStats,
  variant: VariantStats,
  stage: string,
  alpha: number,
): AbandonmentComparison {
  const a = { successes: control.abandonments?.[stage] ?? 0, trials: control.visitors };
  const b = { successes: variant.abandonments?.[stage] ?? 0, trials: variant.visitors };
  const difference = proportionDifference(a, b, alpha);
  const zTest = twoProportionZTest(a, b);
  const status: Status =
    difference === null ? 'insufficient_data' : zTest === null || difference.interval === null ? 'zero_variance' : 'ok';
  return {
    status,
    difference: difference?.difference ?? null,
    differenceCI: difference?.interval ?? null,
    pValue: zTest?.pValue ?? null,
  };
}

function evidence(
  variant: VariantSummary,
  control: VariantStats | undefined,
  settings: SummarySettings,
  input: SummaryInput,
  comparisons: number,
): VariantEvidence {
  const vs = variant.vsControl;
  const controlStats = control === undefined ? null : conversions(control);
  const own = { successes: variant.conversions, trials: variant.visitors };
  let effectRuledOut = false;
  if (controlStats !== null && controlStats.trials > 0 && controlStats.successes > 0) {
    const margin = Math.abs(settings.mde) * (controlStats.successes / controlStats.trials);
    const interval = mixtureConfidenceSequence(
      controlStats,
      own,
      settings.alpha / Math.max(1, comparisons),
      mixingStandardDeviation(controlStats, own, settings.mde, input),
    );
    effectRuledOut = interval !== null && interval[0] > -margin && interval[1] < margin;
  }
  return {
    key: variant.key,
    visitors: variant.visitors,
    conversionRate: variant.conversionRate,
    absoluteLift: vs?.absoluteLift ?? null,
    relativeLift: vs?.relativeLift ?? null,
    relativeLiftCI: vs?.relativeLiftCI ?? null,
    adjustedSequentialPValue: vs?.adjustedSequentialPValue ?? null,
    effectRuledOut,
    incrementalNetProfitPerVisitor: vs?.romi.incrementalNetProfitPerVisitor ?? null,
    probabilityProfitable: vs?.romi.probabilityProfitable ?? null,
    incrementalRomi: vs?.romi.incrementalRomi ?? null,
  };
}

/**
 * Further visitors, all arms together, until the smallest-weighted arm reaches the
 * sequential test's sample for the mde (Bonferroni-split alpha across comparisons) and
 * every arm the minimum, arms growing in proportion to their weights.
 */
function visitorsNeeded(
  all: VariantStats[],
  control: VariantStats,
  settings: SummarySettings,
  comparisons: number,
): number | null {
  const baseline = control.visitors > 0 ? control.conversions / control.visitors : 0;
  const perArm =
    baseline > 0 && baseline < 1
      ? sequentialSampleSize({
          baseline,
          mde: settings.mde,
          alpha: settings.alpha / Math.max(1, comparisons),
          power: settings.power,
        })
      : null;
  const target = Math.max(settings.minimumVisitorsPerVariant, perArm ?? 0);
  const weighted = all.filter((variant) => variant.weight > 0);
  if (weighted.length === 0) return null;
  const lightest = Math.min(...weighted.map((variant) => variant.weight));
  const needed = weighted.reduce(
    (sum, variant) => sum + Math.max(0, Math.ceil((target * variant.weight) / lightest) - variant.visitors),
    0,
  );
  return perArm === null && needed === 0 ? null : needed;
}

function conversions(variant: VariantStats): Proportion {
  return { successes: variant.conversions, trials: variant.visitors };
}

function revenueMoments(variant: VariantStats): { count: number; sum: number; sumOfSquares: number } {
  return { count: variant.visitors, sum: variant.revenue, sumOfSquares: variant.revenueSquares };
}

function economics(variant: VariantStats): ArmEconomics {
  return { ...variant, costs: variant.costs ?? NO_COSTS };
}

function hasCosts(costs: Costs): boolean {
  return costs.fixed !== 0 || costs.perVisitor !== 0 || costs.perConversion !== 0 || costs.revenueShare !== 0;
}

function validate(input: SummaryInput): void {
  const fail = (message: string): never => {
    throw new RangeError(`${input.experiment}: ${message}`);
  };
  const counts = (value: number): boolean => Number.isFinite(value) && value >= 0 && value <= MAXIMUM_COUNT;
  const amount = (value: number): boolean => Number.isFinite(value) && Math.abs(value) <= MAXIMUM_AMOUNT;
  for (const variant of input.variants) {
    const where = `variant "${variant.key}"`;
    if (!counts(variant.visitors) || !counts(variant.conversions)) fail(`${where} needs non-negative visitors and conversions`);
    if (variant.conversions > variant.visitors) fail(`${where} has more conversions than visitors`);
    if (!counts(variant.weight)) fail(`${where} needs a non-negative weight`);
    if (!amount(variant.revenue) || !(variant.revenueSquares >= 0 && variant.revenueSquares <= MAXIMUM_AMOUNT ** 2)) {
      fail(`${where} needs revenue sums within ±1e15 (squares within 1e30)`);
    }
    const costs = variant.costs ?? NO_COSTS;
    if (![costs.fixed, costs.perVisitor, costs.perConversion, costs.revenueShare].every(amount)) {
      fail(`${where} needs finite costs within ±1e15`);
    }
    for (const [stage, abandoners] of Object.entries(variant.abandonments ?? {})) {
      if (!counts(abandoners) || abandoners > variant.visitors) fail(`${where} has an impossible abandonment count at "${stage}"`);
      const recovered = variant.recovered?.[stage] ?? 0;
      if (!counts(recovered) || recovered > abandoners) fail(`${where} recovered more abandoners than abandoned at "${stage}"`);
    }
    for (const look of variant.history ?? []) {
      if (!counts(look.visitors) || !counts(look.conversions) || look.conversions > look.visitors) {
        fail(`${where} has an impossible history look`);
      }
    }
  }
  const settings = [input.alpha, input.power].filter((value) => value !== undefined);
  if (settings.some((value) => !(value > 0 && value < 1))) fail('alpha and power must lie strictly between 0 and 1');
  const scalars = [
    input.margin,
    input.mde,
    input.visitorsPerMonth,
    input.dailyVisitors,
    input.sequentialMixingSd,
    input.minimumVisitorsPerVariant,
  ];
  if (!scalars.every((value) => value === undefined || amount(value))) fail('margin, mde, minimum and traffic must be finite numbers');
}

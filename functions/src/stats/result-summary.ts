/**
 * The result summary document (DESIGN.md §6) that the results API, the dashboard and
 * `upshot analyze` share. JSON-safe by construction: every number is finite; where a
 * statistic is undefined it is `null` and the block's `status` says why.
 */

/** `insufficient_data`: a sample is empty or too small; `zero_variance`: the data cannot vary (0% or 100%, no revenue spread). */
export type Status = 'ok' | 'insufficient_data' | 'zero_variance';

/** A two-sided confidence interval [lower, upper] at level 1 − alpha. */
export type Interval = [lower: number, upper: number];

export interface AbandonmentRate {
  status: Status;
  abandoners: number;
  recovered: number;
  /** abandoners / visitors */
  rate: number | null;
  rateCI: Interval | null;
  /** recovered / abandoners: the share of abandoners who converted later */
  recoveredShare: number | null;
}

export interface AbandonmentComparison {
  status: Status;
  /** rate(variant) − rate(control) */
  difference: number | null;
  differenceCI: Interval | null;
  pValue: number | null;
}

export interface VariantRomi {
  status: Status;
  /** I = F + v·n + c·x + s·R, in currency units */
  investment: number;
  /** m·R */
  grossProfit: number;
  /** (m·R − I)/I; null when I = 0 */
  romi: number | null;
}

export interface IncrementalRomi {
  status: Status;
  /** Δ = mean net value per visitor (variant) − (control); net value = (m − s)·revenue − c·converted − v, less F/n */
  incrementalNetProfitPerVisitor: number | null;
  incrementalNetProfitPerVisitorCI: Interval | null;
  /** P(Δ > 0) under the normal approximation */
  probabilityProfitable: number | null;
  /** Δ / (I_B/n_B − I_A/n_A): return on the extra investment per visitor; null unless the variant costs more per visitor */
  incrementalRomi: number | null;
  /** Δ × visitorsPerMonth; null without visitorsPerMonth */
  projectedMonthlyProfit: number | null;
  projectedMonthlyProfitCI: Interval | null;
}

export interface VsControl {
  /** status of the conversion comparison (lifts, p-values, chance to beat control) */
  status: Status;
  absoluteLift: number | null;
  absoluteLiftCI: Interval | null;
  relativeLift: number | null;
  relativeLiftCI: Interval | null;
  pValue: number | null;
  adjustedPValue: number | null;
  sequentialPValue: number | null;
  /** Holm–Bonferroni over the sequential p-values of all non-control variants; decisions use it */
  adjustedSequentialPValue: number | null;
  chanceToBeatControl: number | null;
  expectedLoss: number | null;
  /** status of the revenue comparison (Welch) */
  revenueStatus: Status;
  revenuePerVisitorDiff: number | null;
  revenuePerVisitorDiffCI: Interval | null;
  revenuePValue: number | null;
  abandonment: Record<string, AbandonmentComparison>;
  romi: IncrementalRomi;
}

export interface VariantSummary {
  key: string;
  control: boolean;
  weight: number;
  /** status of the variant's own conversion rate */
  status: Status;
  visitors: number;
  conversions: number;
  conversionRate: number | null;
  conversionRateCI: Interval | null;
  /** in currency units */
  revenue: number;
  revenuePerVisitor: number | null;
  abandonment: Record<string, AbandonmentRate>;
  romi: VariantRomi;
  /** null for the control */
  vsControl: VsControl | null;
}

export interface SampleRatioMismatch {
  status: Status;
  chiSquare: number | null;
  degreesOfFreedom: number | null;
  pValue: number | null;
  /** pValue < 0.001: the split does not match the weights, and no winner is declared */
  mismatch: boolean;
}

export type DecisionStatus = 'collecting' | 'srm' | 'winner' | 'loser' | 'inconclusive' | 'no_difference';

export interface Decision {
  status: DecisionStatus;
  /** the winning or losing variant's key, else null */
  variant: string | null;
  message: string;
  /** further visitors (all variants together) before the test can detect the planned effect */
  visitorsNeeded?: number;
  /** visitorsNeeded at the current daily traffic */
  daysNeeded?: number;
}

export interface SummarySettings {
  alpha: number;
  margin: number;
  power: number;
  /** relative minimum detectable effect used for planning and for tuning the sequential test */
  mde: number;
  minimumVisitorsPerVariant: number;
  visitorsPerMonth: number | null;
  currency: string | null;
}

export interface ResultSummary {
  experiment: string;
  goal: string;
  settings: SummarySettings;
  variants: VariantSummary[];
  srm: SampleRatioMismatch;
  decision: Decision;
}

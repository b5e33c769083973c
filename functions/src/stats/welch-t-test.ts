import type { Interval, Status } from './result-summary.ts';
import { studentTQuantile, studentTSurvival } from './distributions.ts';

/** A sample summarised by its size, sum and sum of squares. */
export interface SampleMoments {
  count: number;
  sum: number;
  sumOfSquares: number;
}

export interface WelchResult {
  status: Status;
  /** mean(variant) − mean(control); null when an arm is empty */
  difference: number | null;
  standardError: number | null;
  degreesOfFreedom: number | null;
  interval: Interval | null;
  pValue: number | null;
}

/**
 * Sample variance from sufficient statistics, s² = (Σy² − (Σy)²/n)/(n − 1), floored at 0
 * against rounding (the textbook one-pass formula; its cancellation is harmless for
 * money amounts). Reference: Chan, Golub & LeVeque (1983), The American Statistician 37:242.
 */
export function sampleVariance({ count, sum, sumOfSquares }: SampleMoments): number {
  return Math.max(0, (sumOfSquares - sum * (sum / count)) / (count - 1));
}

/**
 * Welch's unequal-variances t-test and interval for mean(variant) − mean(control) from
 * n, Σy and Σy² per arm: SE² = s²_A/n_A + s²_B/n_B, t = Δ/SE with Welch–Satterthwaite
 * ν = SE⁴ / ((s²_A/n_A)²/(n_A − 1) + (s²_B/n_B)²/(n_B − 1)), two-sided p = 2·P(T_ν > |t|),
 * interval Δ ± t_{ν,1−α/2}·SE. `insufficient_data` below two observations per arm,
 * `zero_variance` when SE = 0 (the difference is still reported).
 * Reference: Welch (1947), Biometrika 34:28; Satterthwaite (1946), Biometrics Bull. 2:110;
 * scipy `ttest_ind_from_stats(equal_var=False)`.
 */
export function welchTTest(control: SampleMoments, variant: SampleMoments, alpha = 0.05): WelchResult {
  const bothObserved = control.count > 0 && variant.count > 0;
  const difference = bothObserved ? variant.sum / variant.count - control.sum / control.count : null;
  const empty = { standardError: null, degreesOfFreedom: null, interval: null, pValue: null };
  if (!(control.count >= 2 && variant.count >= 2)) return { status: 'insufficient_data', difference, ...empty };
  const controlTerm = sampleVariance(control) / control.count;
  const variantTerm = sampleVariance(variant) / variant.count;
  const squaredError = controlTerm + variantTerm;
  if (!(squaredError > 0) || difference === null) return { status: 'zero_variance', difference, ...empty };
  const standardError = Math.sqrt(squaredError);
  const controlShare = controlTerm / squaredError;
  const variantShare = variantTerm / squaredError;
  const degreesOfFreedom =
    1 / ((controlShare * controlShare) / (control.count - 1) + (variantShare * variantShare) / (variant.count - 1));
  const t = difference / standardError;
  const pValue = Math.min(1, 2 * studentTSurvival(Math.abs(t), degreesOfFreedom));
  const halfWidth = studentTQuantile(1 - alpha / 2, degreesOfFreedom) * standardError;
  return {
    status: 'ok',
    difference,
    standardError,
    degreesOfFreedom,
    interval: [difference - halfWidth, difference + halfWidth],
    pValue,
  };
}

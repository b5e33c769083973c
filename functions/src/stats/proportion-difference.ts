import type { Interval } from './result-summary.ts';
import type { Proportion } from './proportion.ts';
import { criticalValue } from './critical-value.ts';

export interface ProportionDifference {
  /** p̂_B − p̂_A */
  difference: number;
  standardError: number;
  /** null when the standard error is 0 (both rates 0% or 100%) */
  interval: Interval | null;
}

/**
 * Difference of two proportions p̂_B − p̂_A with the unpooled Wald interval
 * (p̂_B − p̂_A) ± z₁₋α/₂·√(p̂_A(1−p̂_A)/n_A + p̂_B(1−p̂_B)/n_B). Null when an arm is empty.
 * Reference: Agresti, Categorical Data Analysis (3rd ed., 2013) §3.1.2; statsmodels
 * `confint_proportions_2indep(method='wald', compare='diff')`.
 */
export function proportionDifference(control: Proportion, variant: Proportion, alpha = 0.05): ProportionDifference | null {
  if (!(control.trials > 0 && variant.trials > 0)) return null;
  const controlRate = control.successes / control.trials;
  const variantRate = variant.successes / variant.trials;
  const difference = variantRate - controlRate;
  const standardError = Math.sqrt(
    (controlRate * (1 - controlRate)) / control.trials + (variantRate * (1 - variantRate)) / variant.trials,
  );
  if (!(standardError > 0)) return { difference, standardError: 0, interval: null };
  const halfWidth = criticalValue(alpha) * standardError;
  return { difference, standardError, interval: [difference - halfWidth, difference + halfWidth] };
}

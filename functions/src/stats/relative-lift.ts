import type { Interval } from './result-summary.ts';
import type { Proportion } from './proportion.ts';
import { criticalValue } from './critical-value.ts';

export interface RelativeLift {
  /** p̂_B / p̂_A − 1 */
  lift: number;
  /** null when the delta-method variance is 0 (both rates 100%) */
  interval: Interval | null;
}

/**
 * Relative lift p̂_B/p̂_A − 1 with a delta-method interval: lift ± z₁₋α/₂·√V,
 * V = Var(p̂_B)/p̂_A² + p̂_B²·Var(p̂_A)/p̂_A⁴, Var(p̂) = p̂(1 − p̂)/n (first-order Taylor
 * expansion of the ratio of independent estimates). Null when an arm is empty or the
 * control rate is 0 (the ratio is undefined).
 * Reference: Casella & Berger, Statistical Inference (2nd ed., 2002) §5.5.4 (delta method).
 */
export function relativeLift(control: Proportion, variant: Proportion, alpha = 0.05): RelativeLift | null {
  if (!(control.trials > 0 && variant.trials > 0 && control.successes > 0)) return null;
  const controlRate = control.successes / control.trials;
  const variantRate = variant.successes / variant.trials;
  const lift = variantRate / controlRate - 1;
  const controlVariance = (controlRate * (1 - controlRate)) / control.trials;
  const variantVariance = (variantRate * (1 - variantRate)) / variant.trials;
  const variance =
    variantVariance / (controlRate * controlRate) + (variantRate * variantRate * controlVariance) / controlRate ** 4;
  if (!(variance > 0)) return { lift, interval: null };
  const halfWidth = criticalValue(alpha) * Math.sqrt(variance);
  return { lift, interval: [lift - halfWidth, lift + halfWidth] };
}

import type { Interval } from './result-summary.ts';
import { criticalValue } from './critical-value.ts';

/**
 * Wilson score interval for a binomial proportion: the set of p whose score test
 * |p̂ − p| / √(p(1−p)/n) ≤ z₁₋α/₂ accepts, i.e. centre (p̂ + z²/2n)/(1 + z²/n) and
 * half-width z/(1 + z²/n)·√(p̂(1−p̂)/n + z²/4n²). Always inside [0, 1] and defined at
 * 0% and 100%. Null when there are no trials.
 * Reference: Wilson (1927), JASA 22:209; statsmodels `proportion_confint(method='wilson')`.
 */
export function wilsonInterval(successes: number, trials: number, alpha = 0.05): Interval | null {
  if (!(trials > 0)) return null;
  const z = criticalValue(alpha);
  const zSquaredOverN = (z * z) / trials;
  const rate = successes / trials;
  const denominator = 1 + zSquaredOverN;
  const centre = (rate + zSquaredOverN / 2) / denominator;
  const halfWidth = (z / denominator) * Math.sqrt((rate * (1 - rate)) / trials + zSquaredOverN / (4 * trials));
  return [Math.max(0, Math.min(rate, centre - halfWidth)), Math.min(1, Math.max(rate, centre + halfWidth))];
}

import { criticalValue } from './critical-value.ts';
import { normalQuantile } from './distributions.ts';

export interface SampleSizePlan {
  /** baseline conversion rate p₁, 0 < p₁ < 1 */
  baseline: number;
  /** relative minimum detectable effect: p₂ = p₁·(1 + mde), p₂ ≠ p₁, 0 < p₂ < 1 */
  mde: number;
  /** two-sided significance level, default 0.05 */
  alpha?: number;
  /** default 0.8 */
  power?: number;
  /** when given, `days` = ⌈visitorsPerVariant·variants / visitorsPerDay⌉ */
  visitorsPerDay?: number;
  /** number of arms including the control, default 2 */
  variants?: number;
}

export interface SampleSize {
  visitorsPerVariant: number;
  days?: number;
}

/**
 * Visitors per variant for a two-sided two-proportion test, by the pooled-null formula
 * n = (z₁₋α/₂·√(2p̄q̄) + z_power·√(p₁q₁ + p₂q₂))² / (p₂ − p₁)², p̄ = (p₁ + p₂)/2, q = 1 − p,
 * rounded up — what R's `power.prop.test` solves for (with its default strict = FALSE),
 * e.g. p₁ = 0.05, p₂ = 0.055, power 0.8 → 31233.44 → 31234 (R power.prop.test). Throws a RangeError on
 * rates outside (0, 1) or a zero effect: those are input errors, not thin data.
 * Reference: Fleiss, Levin & Paik (2003) ch. 4 (without continuity correction);
 * R `stats::power.prop.test`.
 */
export function planSampleSize({
  baseline,
  mde,
  alpha = 0.05,
  power = 0.8,
  visitorsPerDay,
  variants = 2,
}: SampleSizePlan): SampleSize {
  const p1 = baseline;
  const p2 = baseline * (1 + mde);
  if (!(p1 > 0 && p1 < 1 && p2 > 0 && p2 < 1 && p1 !== p2)) {
    throw new RangeError('baseline and baseline × (1 + mde) must be different rates strictly between 0 and 1');
  }
  if (!(alpha > 0 && alpha < 1 && power > 0 && power < 1)) throw new RangeError('alpha and power must lie strictly between 0 and 1');
  const pooled = (p1 + p2) / 2;
  const numerator =
    criticalValue(alpha) * Math.sqrt(2 * pooled * (1 - pooled)) +
    normalQuantile(power) * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  const visitorsPerVariant = Math.ceil((numerator * numerator) / ((p2 - p1) * (p2 - p1)));
  if (visitorsPerDay === undefined || !(visitorsPerDay > 0)) return { visitorsPerVariant };
  return { visitorsPerVariant, days: Math.ceil((visitorsPerVariant * variants) / visitorsPerDay) };
}

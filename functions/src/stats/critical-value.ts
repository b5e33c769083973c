import { normalQuantile } from './distributions.ts';

/**
 * Two-sided standard normal critical value z₁₋α/₂ = −Φ⁻¹(α/2) (1.959963984540054 at
 * α = 0.05), computed from the lower tail so small alphas keep their precision; this is
 * scipy's `norm.isf(alpha / 2)`, the value statsmodels uses.
 */
export function criticalValue(alpha: number): number {
  return -normalQuantile(alpha / 2);
}

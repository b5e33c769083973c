import { normalQuantile } from './distributions.ts';

/**
 * Two-sided standard normal critical value z₁₋α/₂ = −Φ⁻¹(α/2) (1.959963984540054 at
 * α = 0.05), computed from the lower tail so small alphas keep their precision; this is
 * scipy's `norm.isf(alpha / 2)`, the value statsmodels uses.
 */
export function criticalValue(alpha: number): number {
  let value = computed.get(alpha);
  if (value === undefined) {
    value = -normalQuantile(alpha / 2);
    if (computed.size < 64) computed.set(alpha, value);
  }
  return value;
}

/** A summary asks for the same one or two alphas many times. */
const computed = new Map<number, number>();

import type { Proportion } from './proportion.ts';
import { normalSurvival } from './distributions.ts';

export interface ZTestResult {
  z: number;
  pValue: number;
}

/**
 * Two-sided pooled two-proportion z-test of H₀: p_variant = p_control, with
 * z = (p̂_B − p̂_A) / √(p̄(1 − p̄)(1/n_A + 1/n_B)), p̄ = (x_A + x_B)/(n_A + n_B), and
 * p = 2·(1 − Φ(|z|)). Identical to Pearson's chi-square test of the 2×2 table without
 * continuity correction (z² = χ²). Null when an arm is empty or p̄ is 0 or 1 (no variance).
 * Reference: Fleiss, Levin & Paik, Statistical Methods for Rates and Proportions (3rd
 * ed., 2003) §2.5; statsmodels `proportions_ztest`.
 */
export function twoProportionZTest(control: Proportion, variant: Proportion): ZTestResult | null {
  if (!(control.trials > 0 && variant.trials > 0)) return null;
  const pooled = (control.successes + variant.successes) / (control.trials + variant.trials);
  const variance = pooled * (1 - pooled) * (1 / control.trials + 1 / variant.trials);
  if (!(variance > 0)) return null;
  const z = (variant.successes / variant.trials - control.successes / control.trials) / Math.sqrt(variance);
  return { z, pValue: Math.min(1, 2 * normalSurvival(Math.abs(z))) };
}

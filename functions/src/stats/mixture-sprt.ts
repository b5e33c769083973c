import type { Proportion } from './proportion.ts';

/** Cumulative counts of both arms at one look (one interim analysis). */
export interface SequentialLook {
  control: Proportion;
  variant: Proportion;
}

/**
 * log Λ of the normal mixture likelihood ratio for an estimate Δ̂ ~ N(θ, σ²) of
 * H₁: θ ~ N(0, τ²) against H₀: θ = 0, i.e. N(Δ̂; 0, σ² + τ²) / N(Δ̂; 0, σ²):
 * log Λ = ½·log(σ²/(σ² + τ²)) + τ²Δ̂² / (2σ²(σ² + τ²)).
 * Reference: Robbins (1970), Ann. Math. Statist. 41:1397; Johari, Pekelis & Walsh (2017),
 * "Always valid inference", arXiv:1512.04922.
 */
export function mixtureLogLikelihoodRatio(difference: number, variance: number, mixingVariance: number): number {
  const total = variance + mixingVariance;
  return 0.5 * Math.log(variance / total) + (mixingVariance * difference * difference) / (2 * variance * total);
}

/**
 * Always-valid p-value of the mixture sequential probability ratio test (mSPRT) for the
 * difference of two proportions, p_n = min(1, min over looks k ≤ n of 1/Λ_k), where Λ_k
 * is the normal mixture likelihood ratio of Δ̂_k = p̂_B − p̂_A with the pooled null
 * variance σ²_k = p̄_k(1 − p̄_k)(1/n_A + 1/n_B) (the z-test's) and mixing N(0, τ²).
 * P(p_n ≤ α at any n) ≤ α under H₀ (Ville's inequality on the martingale Λ), so the
 * result may be read after every look. Given only the current totals this is
 * min(1, 1/Λ_n) — still valid at any stopping time, just not monotone — and with the
 * earlier looks it is the running minimum. Looks with an empty arm or zero variance
 * are skipped; null when no look has any variance.
 * Reference: Johari, Pekelis & Walsh (2017), "Always valid inference: continuous
 * monitoring of A/B tests", Operations Research 70(3), 2022; arXiv:1512.04922 §3–4.
 */
export function mixtureSprtPValue(looks: ReadonlyArray<SequentialLook>, mixingStandardDeviation: number): number | null {
  if (!(mixingStandardDeviation > 0)) return null;
  const mixingVariance = mixingStandardDeviation * mixingStandardDeviation;
  let pValue: number | null = null;
  for (const { control, variant } of looks) {
    if (!(control.trials > 0 && variant.trials > 0)) continue;
    const pooled = (control.successes + variant.successes) / (control.trials + variant.trials);
    const variance = pooled * (1 - pooled) * (1 / control.trials + 1 / variant.trials);
    if (!(variance > 0)) continue;
    const difference = variant.successes / variant.trials - control.successes / control.trials;
    const logRatio = mixtureLogLikelihoodRatio(difference, variance, mixingVariance);
    pValue = Math.min(pValue ?? 1, Math.exp(-logRatio));
  }
  return pValue;
}

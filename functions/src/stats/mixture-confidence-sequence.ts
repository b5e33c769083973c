import type { Interval } from './result-summary.ts';
import type { Proportion } from './proportion.ts';

/**
 * Always-valid (1 − α) confidence sequence for θ = p_B − p_A that inverts the mSPRT:
 * {θ : Λ_n(θ) < 1/α}, i.e. Δ̂ ± √(σ²(σ² + τ²)/τ² · (2·log(1/α) + log(1 + τ²/σ²))) with
 * the unpooled variance σ² = p̂_A(1 − p̂_A)/n_A + p̂_B(1 − p̂_B)/n_B. It covers θ at every
 * look simultaneously with probability ≥ 1 − α, so "the effect is smaller than the MDE"
 * can be concluded while peeking. Null when an arm is empty or σ² = 0.
 * Reference: Johari, Pekelis & Walsh (2017), arXiv:1512.04922 §4 (confidence intervals
 * from always-valid p-values); Howard et al. (2021), Ann. Statist. 49:1055, §3 (normal mixture).
 */
export function mixtureConfidenceSequence(
  control: Proportion,
  variant: Proportion,
  alpha: number,
  mixingStandardDeviation: number,
): Interval | null {
  if (!(control.trials > 0 && variant.trials > 0 && mixingStandardDeviation > 0)) return null;
  const controlRate = control.successes / control.trials;
  const variantRate = variant.successes / variant.trials;
  const variance = (controlRate * (1 - controlRate)) / control.trials + (variantRate * (1 - variantRate)) / variant.trials;
  if (!(variance > 0)) return null;
  const mixingVariance = mixingStandardDeviation * mixingStandardDeviation;
  const halfWidth = Math.sqrt(
    ((variance * (variance + mixingVariance)) / mixingVariance) *
      (2 * Math.log(1 / alpha) + Math.log1p(mixingVariance / variance)),
  );
  const difference = variantRate - controlRate;
  return [difference - halfWidth, difference + halfWidth];
}

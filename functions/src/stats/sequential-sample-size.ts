import { normalCdf } from './distributions.ts';

export interface SequentialSampleSizePlan {
  baseline: number;
  /** relative effect to detect: p₂ = p₁·(1 + mde) */
  mde: number;
  alpha?: number;
  power?: number;
  /** τ of the mSPRT; default mde·(p₁ + p₂)/2, the engine's default tuning */
  mixingStandardDeviation?: number;
}

/**
 * Visitors per variant at which the mSPRT (see `mixtureSprtPValue`) rejects with
 * probability ≥ power when the true rates are p₁ and p₂ = p₁(1 + mde), looking once at
 * that sample: the smallest n with Φ((|p₂ − p₁| − c_n)/σ₁) ≥ power, where σ₁² =
 * (p₁q₁ + p₂q₂)/n and c_n = √(σ₀²(σ₀² + τ²)/τ² · (2·log(1/α) + log(1 + τ²/σ₀²))) is the
 * smallest |Δ̂| with 1/Λ_n ≤ α under the pooled variance σ₀² = 2p̄q̄/n. Because the test
 * may also stop at any earlier look, this is an upper bound on what the sequential
 * procedure needs for that power. Null for degenerate rates.
 * Reference: Johari, Pekelis & Walsh (2017), arXiv:1512.04922 §3 (the rejection boundary);
 * normal approximation as in Fleiss, Levin & Paik (2003) ch. 4.
 */
export function sequentialSampleSize({
  baseline,
  mde,
  alpha = 0.05,
  power = 0.8,
  mixingStandardDeviation,
}: SequentialSampleSizePlan): number | null {
  const p1 = baseline;
  const p2 = baseline * (1 + mde);
  if (!(p1 > 0 && p1 < 1 && p2 > 0 && p2 < 1 && p1 !== p2 && alpha > 0 && alpha < 1 && power > 0 && power < 1)) {
    return null;
  }
  const pooled = (p1 + p2) / 2;
  const tau = mixingStandardDeviation ?? Math.abs(mde) * pooled;
  const mixingVariance = tau * tau;
  const effect = Math.abs(p2 - p1);
  const powerAt = (n: number): number => {
    const nullVariance = (2 * pooled * (1 - pooled)) / n;
    const boundary = Math.sqrt(
      ((nullVariance * (nullVariance + mixingVariance)) / mixingVariance) *
        (2 * Math.log(1 / alpha) + Math.log1p(mixingVariance / nullVariance)),
    );
    return normalCdf((effect - boundary) / Math.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / n));
  };
  let low = 1;
  let high = 2;
  while (powerAt(high) < power) {
    low = high;
    high *= 2;
    if (high > 1e15) return null;
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (powerAt(middle) >= power) high = middle;
    else low = middle;
  }
  return high;
}

import type { SampleRatioMismatch } from './result-summary.ts';
import { chiSquareSurvival } from './distributions.ts';

/** Below this p-value the split is called a mismatch (a common industry threshold). */
export const SAMPLE_RATIO_MISMATCH_THRESHOLD = 0.001;

/**
 * Sample ratio mismatch: Pearson's chi-square goodness-of-fit test of the visitors per
 * variant against the configured weights, χ² = Σ (oᵢ − eᵢ)²/eᵢ with eᵢ = N·wᵢ/Σw and
 * k − 1 degrees of freedom; `mismatch` when p < 0.001. Variants with weight 0 and no
 * visitors are left out; visitors in a variant of weight 0 are a mismatch (p = 0).
 * `insufficient_data` with no visitors or fewer than two weighted variants.
 * Reference: Fabijan et al. (2019), "Diagnosing sample ratio mismatch in online controlled
 * experiments", KDD '19; scipy `chisquare`.
 */
export function sampleRatioMismatch(
  visitors: ReadonlyArray<number>,
  weights: ReadonlyArray<number>,
  threshold = SAMPLE_RATIO_MISMATCH_THRESHOLD,
): SampleRatioMismatch {
  const cells = visitors
    .map((observed, index) => ({ observed, weight: weights[index] ?? 0 }))
    .filter((cell) => cell.weight > 0 || cell.observed > 0);
  const total = cells.reduce((sum, cell) => sum + cell.observed, 0);
  const totalWeight = cells.reduce((sum, cell) => sum + cell.weight, 0);
  const insufficient: SampleRatioMismatch = {
    status: 'insufficient_data',
    chiSquare: null,
    degreesOfFreedom: null,
    pValue: null,
    mismatch: false,
  };
  if (!(total > 0 && totalWeight > 0) || cells.filter((cell) => cell.weight > 0).length < 2) return insufficient;
  const degreesOfFreedom = cells.length - 1;
  if (cells.some((cell) => cell.weight === 0)) {
    return { status: 'ok', chiSquare: null, degreesOfFreedom, pValue: 0, mismatch: true };
  }
  const chiSquare = cells.reduce((sum, { observed, weight }) => {
    const expected = (total * weight) / totalWeight;
    return sum + ((observed - expected) * (observed - expected)) / expected;
  }, 0);
  const pValue = chiSquareSurvival(chiSquare, degreesOfFreedom);
  return { status: 'ok', chiSquare, degreesOfFreedom, pValue, mismatch: pValue < threshold };
}

import { logBeta } from './special-functions.ts';

/** Shape parameters of a Beta distribution with integer shapes (a posterior Beta(1 + x, 1 + n − x)). */
export interface BetaShape {
  successes: number;
  failures: number;
}

/** Terms below this fraction of the largest one are dropped (their total stays < 1e-12). */
const NEGLIGIBLE = 1e-24;

/**
 * Σ_{i=0}^{a₂−1} B(a₁ + i, b₁ + b₂) / ((b₂ + i)·B(1 + i, b₂)·B(a₁, b₁)) = P(X₂ > X₁) for
 * X₁ ~ Beta(a₁, b₁), X₂ ~ Beta(a₂, b₂), a₂ a positive integer. The terms are a unimodal
 * probability mass function in i (successive ratio (a₁+i)(b₂+i)/((a₁+b₁+b₂+i)(1+i))
 * crosses 1 once), so the sum starts at the mode in log space and walks outwards until
 * the terms are negligible: O(√(a₁ + b₁ + b₂)) work however large the counts.
 */
function evanMillerSum(a1: number, b1: number, a2: number, b2: number): number {
  const last = a2 - 1;
  const turningPoint = (a1 * b2 - (a1 + b1 + b2)) / (b1 + 1);
  const mode = Math.min(last, Math.max(0, Math.floor(turningPoint) + 1));
  const logStart = logBeta(a1 + mode, b1 + b2) - Math.log(b2 + mode) - logBeta(1 + mode, b2) - logBeta(a1, b1);
  const ratio = (i: number): number => ((a1 + i) * (b2 + i)) / ((a1 + b1 + b2 + i) * (1 + i));
  let sum = 1;
  let largest = 1;
  let term = 1;
  for (let i = mode; i > 0; i--) {
    term /= ratio(i - 1);
    sum += term;
    largest = Math.max(largest, term);
    if (term < NEGLIGIBLE * largest) break;
  }
  term = 1;
  for (let i = mode; i < last; i++) {
    term *= ratio(i);
    sum += term;
    largest = Math.max(largest, term);
    if (term < NEGLIGIBLE * largest) break;
  }
  return Math.exp(logStart + Math.log(sum));
}

/**
 * P(X_B > X_A) for independent X_A ~ Beta(a_A, b_A), X_B ~ Beta(a_B, b_B) with integer
 * shapes, exactly (to ~1e-12), by Evan Miller's closed form
 * P = Σ_{i=0}^{a_B−1} B(a_A + i, b_A + b_B) / ((b_B + i)·B(1 + i, b_B)·B(a_A, b_A)).
 * Of its four equivalent forms (by symmetry X ↔ 1 − X and P = 1 − P(X_A > X_B)) the one
 * summing over the smallest shape is used, and only the non-negligible terms are added.
 * Reference: Evan Miller, "Formulas for Bayesian A/B testing" (2015),
 * https://www.evanmiller.org/bayesian-ab-testing.html; Cook (2005), "Exact calculation
 * of beta inequalities", UT MD Anderson Biostatistics Technical Report 54.
 */
export function probabilityBeatsBeta(variant: BetaShape, control: BetaShape): number {
  const aA = control.successes;
  const bA = control.failures;
  const aB = variant.successes;
  const bB = variant.failures;
  const smallest = Math.min(aA, bA, aB, bB);
  let probability: number;
  if (smallest === aB) probability = evanMillerSum(aA, bA, aB, bB);
  else if (smallest === aA) probability = 1 - evanMillerSum(aB, bB, aA, bA);
  else if (smallest === bA) probability = evanMillerSum(bB, aB, bA, aA);
  else probability = 1 - evanMillerSum(bA, aA, bB, aB);
  return Math.min(1, Math.max(0, probability));
}

import type { Proportion } from './proportion.ts';
import { probabilityBeatsBeta } from './beta-probability.ts';

/**
 * Chance to beat control P(p_B > p_A) with independent uniform Beta(1, 1) priors, i.e.
 * posteriors p ~ Beta(1 + x, 1 + n − x), computed exactly (not by Monte Carlo) with
 * Evan Miller's closed form; see `probabilityBeatsBeta`. Defined for any counts,
 * including empty arms (0.5 when both posteriors are the same).
 * Reference: Evan Miller, "Formulas for Bayesian A/B testing" (2015).
 */
export function chanceToBeatControl(control: Proportion, variant: Proportion): number {
  return probabilityBeatsBeta(posterior(variant), posterior(control));
}

/**
 * Expected loss of choosing the variant, E[max(p_A − p_B, 0)] under the same posteriors,
 * by the size-biasing identity E[p·1{p_A > p_B}] = E[p]·P(·) with one shape shifted:
 * E[max(p_A − p_B, 0)] = a_A/(a_A + b_A)·P(Beta(a_A + 1, b_A) > p_B)
 *                       − a_B/(a_B + b_B)·P(p_A > Beta(a_B + 1, b_B)).
 * Reference: Chris Stucchio, "Bayesian A/B testing at VWO" (2015), §4 (loss function);
 * Evan Miller (2015) for the probabilities.
 */
export function expectedLoss(control: Proportion, variant: Proportion): number {
  const a = posterior(control);
  const b = posterior(variant);
  const controlMean = a.successes / (a.successes + a.failures);
  const variantMean = b.successes / (b.successes + b.failures);
  const controlWins = probabilityBeatsBeta({ successes: a.successes + 1, failures: a.failures }, b);
  const controlWinsShifted = 1 - probabilityBeatsBeta({ successes: b.successes + 1, failures: b.failures }, a);
  return Math.max(0, controlMean * controlWins - variantMean * controlWinsShifted);
}

function posterior({ successes, trials }: Proportion): { successes: number; failures: number } {
  return { successes: 1 + successes, failures: 1 + trials - successes };
}

import type { Experiment, ResultsDocument, VariantResult } from './api-types.ts';
import { daysBetween } from './format.ts';

/**
 * What the experiments list shows about each experiment, derived from the results document:
 * pure functions, so the list and its tests agree on what "leading" and "healthy" mean.
 */

export type Health = 'healthy' | 'srm' | 'no_traffic' | 'collecting' | 'unavailable';

export function totalVisitors(results: ResultsDocument | undefined): number | null {
  return results ? results.variants.reduce((sum, variant) => sum + variant.visitors, 0) : null;
}

/** The non-control variant with the largest relative lift (or, without lifts, the highest rate). */
export function leadingVariant(results: ResultsDocument | undefined): VariantResult | null {
  if (!results) return null;
  const challengers = results.variants.filter((variant) => !variant.control && variant.visitors > 0);
  let best: VariantResult | null = null;
  for (const variant of challengers) {
    const score = variant.vsControl?.relativeLift ?? null;
    const bestScore = best?.vsControl?.relativeLift ?? null;
    if (best === null || (score !== null && (bestScore === null || score > bestScore))) best = variant;
  }
  return best;
}

/** Whole days since launch, to the end of the last phase for a stopped experiment. */
export function daysRunning(experiment: Experiment, now: Date): number | null {
  const first = experiment.phases[0];
  if (!first) return null;
  const last = experiment.phases[experiment.phases.length - 1];
  const end = experiment.status === 'stopped' || experiment.status === 'archived' ? (last?.endedAt ?? now) : now;
  return daysBetween(first.startedAt, end);
}

/**
 * A traffic-light for the list: a sample ratio mismatch first (nothing else can be trusted),
 * then a running test that has received nobody for a day, then too few visitors to judge.
 */
export function health(experiment: Experiment, results: ResultsDocument | undefined, failed: boolean, now: Date): Health | null {
  if (experiment.status === 'draft') return null;
  if (failed || !results) return failed ? 'unavailable' : null;
  if (results.srm.mismatch) return 'srm';
  const visitors = totalVisitors(results) ?? 0;
  if (visitors === 0 && experiment.status === 'running' && (daysRunning(experiment, now) ?? 0) >= 1) return 'no_traffic';
  if (results.decision.status === 'collecting') return 'collecting';
  return 'healthy';
}

export function primaryGoalKey(experiment: Pick<Experiment, 'goals'>): string | undefined {
  return (experiment.goals.find((goal) => goal.primary) ?? experiment.goals[0])?.key;
}

export function goalLabel(experiment: Pick<Experiment, 'goals'>, key: string | undefined): string {
  const goal = experiment.goals.find((candidate) => candidate.key === key);
  return goal?.name ?? key ?? '';
}

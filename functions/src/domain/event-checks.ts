import type { Experiment } from './experiment.ts';
import type { RejectionReason, TrackedEvent } from './event.ts';

export const MAX_EVENT_AGE_MS = 30 * 24 * 3_600_000;
export const MAX_CLOCK_SKEW_MS = 24 * 3_600_000;

export interface EventCheckContext {
  now: number;
  /** The variant the shared assignment gives this visitor in the current phase, ignoring coverage and targeting. */
  assignedVariant: (experiment: Experiment, visitor: string) => string | null;
  isIncluded: (experiment: Experiment, visitor: string) => boolean;
}

export type EventCheck = { ok: true } | { ok: false; reason: RejectionReason; message: string };

const refuse = (reason: RejectionReason, message: string): EventCheck => ({ ok: false, reason, message });

/**
 * Checks an event against its experiment before it touches any state: the experiment runs,
 * names exist, the variant is the one the visitor is assigned (tamper guard), timestamps are sane.
 */
export function checkEvent(event: TrackedEvent, experiment: Experiment | undefined, context: EventCheckContext): EventCheck {
  if (!experiment) return refuse('unknown_experiment', `No experiment "${event.experiment}".`);
  if (experiment.status !== 'running') {
    return refuse('experiment_not_running', `Experiment "${experiment.key}" is ${experiment.status}; it takes events only while running.`);
  }
  if (event.phase !== undefined && event.phase !== experiment.phase) {
    return refuse('stale_phase', `The event is for phase ${event.phase}; experiment "${experiment.key}" is in phase ${experiment.phase}.`);
  }
  if (event.ts < context.now - MAX_EVENT_AGE_MS || event.ts > context.now + MAX_CLOCK_SKEW_MS) {
    return refuse('timestamp_out_of_range', 'ts must lie between 30 days ago and one day ahead of the server clock.');
  }
  if (!experiment.variants.some((variant) => variant.key === event.variant)) {
    return refuse('unknown_variant', `Experiment "${experiment.key}" has no variant "${event.variant}".`);
  }
  if (event.type === 'conversion') {
    const goal = experiment.goals.find((candidate) => candidate.key === event.goal);
    if (!goal) return refuse('unknown_goal', `Experiment "${experiment.key}" has no goal "${event.goal}".`);
    if (event.revenue && !goal.revenue) return refuse('revenue_not_tracked', `Goal "${goal.key}" does not track revenue.`);
    if (event.currency && event.currency !== experiment.currency) {
      return refuse('currency_mismatch', `Experiment "${experiment.key}" counts revenue in ${experiment.currency}, not ${event.currency}.`);
    }
  }
  if (event.type === 'abandonment' && !experiment.stages.includes(event.stage)) {
    return refuse('unknown_stage', `Experiment "${experiment.key}" has no stage "${event.stage}".`);
  }
  if (event.type === 'exposure') {
    if (!context.isIncluded(experiment, event.visitor)) return refuse('not_included', 'The visitor is outside the experiment\'s coverage.');
    if (context.assignedVariant(experiment, event.visitor) !== event.variant) {
      return refuse('variant_mismatch', `The visitor is not assigned to variant "${event.variant}".`);
    }
  }
  return { ok: true };
}

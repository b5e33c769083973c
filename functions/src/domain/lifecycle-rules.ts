import type { ExperimentStatus } from './experiment.ts';

/**
 * The lifecycle table alone, free of zod and the rest of the domain, so the dashboard's buttons
 * read the same rules the API enforces.
 */
export const lifecycleActions = ['launch', 'pause', 'resume', 'stop', 'archive', 'phase'] as const;
export type LifecycleAction = (typeof lifecycleActions)[number];

/**
 * draft → running ⇄ paused → stopped → archived; a draft may be archived unlaunched,
 * and "phase" re-randomizes a running or paused experiment without changing its status.
 */
export const transitions: Record<LifecycleAction, { from: ExperimentStatus[]; to: ExperimentStatus | null }> = {
  launch: { from: ['draft'], to: 'running' },
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  stop: { from: ['running', 'paused'], to: 'stopped' },
  archive: { from: ['draft', 'stopped'], to: 'archived' },
  phase: { from: ['running', 'paused'], to: null },
};

export function allowedActions(status: ExperimentStatus): LifecycleAction[] {
  return lifecycleActions.filter((action) => transitions[action].from.includes(status));
}

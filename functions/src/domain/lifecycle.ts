import { IllegalTransitionError } from './errors.ts';
import type { Experiment, ExperimentStatus, NewExperiment, Phase, PhaseChange } from './experiment.ts';
import { parseDefinition } from './experiment.ts';

import { allowedActions, transitions, type LifecycleAction } from './lifecycle-rules.ts';

export { allowedActions, lifecycleActions, type LifecycleAction } from './lifecycle-rules.ts';

export interface TransitionContext {
  now: Date;
  /** A fresh random seed, injected so the transition stays pure. */
  newSeed: () => string;
}

function phaseRecord(experiment: NewExperiment, phase: number, seed: string, now: Date): Phase {
  return {
    phase,
    seed,
    startedAt: now.toISOString(),
    variants: experiment.variants.map((variant) => ({ key: variant.key, weight: variant.weight })),
    coverage: experiment.coverage,
  };
}

function closePhases(phases: Phase[], now: Date): Phase[] {
  return phases.map((phase) => (phase.endedAt ? phase : { ...phase, endedAt: now.toISOString() }));
}

/** Applies a lifecycle action, or throws IllegalTransitionError naming what is allowed instead. */
export function transition(experiment: Experiment, action: LifecycleAction, change: PhaseChange, context: TransitionContext): Experiment {
  const rule = transitions[action];
  if (!rule.from.includes(experiment.status)) {
    const allowed = allowedActions(experiment.status);
    throw new IllegalTransitionError(
      `Cannot ${action} an experiment that is ${experiment.status}.` + (allowed.length ? ` Allowed: ${allowed.join(', ')}.` : ''),
      { status: experiment.status, action, allowed },
    );
  }
  const now = context.now;
  const updatedAt = now.toISOString();

  if (action === 'launch') {
    const seed = context.newSeed();
    return { ...experiment, status: 'running', phase: 1, seed, phases: [phaseRecord(experiment, 1, seed, now)], updatedAt };
  }
  if (action === 'phase') {
    const changed = reviseDefinition(experiment, change);
    const next = experiment.phase + 1;
    const seed = context.newSeed();
    return {
      ...experiment,
      ...changed,
      phase: next,
      seed,
      phases: [...closePhases(experiment.phases, now), phaseRecord(changed, next, seed, now)],
      updatedAt,
    };
  }
  const status = rule.to as ExperimentStatus;
  const phases = status === 'stopped' ? closePhases(experiment.phases, now) : experiment.phases;
  return { ...experiment, status, phases, updatedAt };
}

/** Leaves out keys whose value is undefined, so a patch only changes what it names. */
export function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The experiment's definition with `changes` applied (undefined fields left alone), checked again as a whole. */
export function reviseDefinition(experiment: Experiment, changes: object): NewExperiment {
  const { key, status: _status, phase: _phase, seed: _seed, phases: _phases, version: _version, createdAt: _created, updatedAt: _updated, ...definition } = experiment;
  return parseDefinition(key, { ...definition, ...dropUndefined(changes) });
}

/** A new experiment starts as a draft with no phase yet. */
export function draftExperiment(definition: NewExperiment, now: Date): Experiment {
  const createdAt = now.toISOString();
  return { ...definition, status: 'draft', phase: 0, seed: '', phases: [], version: 0, createdAt, updatedAt: createdAt };
}

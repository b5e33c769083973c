import { randomBytes } from 'node:crypto';
import {
  ConflictError,
  IllegalTransitionError,
  NotFoundError,
  draftExperiment,
  reviseDefinition,
  transition,
  type Experiment,
  type ExperimentPatch,
  type LifecycleAction,
  type NewExperiment,
  type PhaseChange,
} from '../domain/index.ts';
import type { Deps } from './deps.ts';

export async function createExperiment(deps: Deps, definition: NewExperiment): Promise<Experiment> {
  const experiment = draftExperiment(definition, deps.clock());
  await deps.store.createExperiment(experiment);
  deps.experiments.invalidate();
  return { ...experiment, version: 1 };
}

export async function listExperiments(deps: Deps, filter: { status?: string } = {}): Promise<Experiment[]> {
  const experiments = await deps.store.listExperiments();
  return experiments
    .filter((experiment) => !filter.status || experiment.status === filter.status)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.key.localeCompare(b.key));
}

export async function getExperiment(deps: Deps, key: string): Promise<Experiment> {
  const experiment = await deps.store.getExperiment(key);
  if (!experiment) throw new NotFoundError(`No experiment "${key}".`);
  return experiment;
}

/** Edits a draft; a launched experiment changes only through a new phase. */
export async function updateDraft(deps: Deps, key: string, patch: ExperimentPatch): Promise<Experiment> {
  const experiment = await getExperiment(deps, key);
  if (experiment.status !== 'draft') {
    throw new IllegalTransitionError(
      `Experiment "${key}" is ${experiment.status}; only drafts can be edited. Start a new phase to change variants, weights, coverage or targeting.`,
      { status: experiment.status },
    );
  }
  const changed = reviseDefinition(experiment, patch);
  const saved = await deps.store.saveExperiment({ ...experiment, ...changed, updatedAt: deps.clock().toISOString() });
  deps.experiments.invalidate();
  return saved;
}

export async function changeLifecycle(deps: Deps, key: string, action: LifecycleAction, change: PhaseChange = {}): Promise<Experiment> {
  const experiment = await getExperiment(deps, key);
  const next = transition(experiment, action, change, { now: deps.clock(), newSeed: () => randomBytes(6).toString('hex') });
  try {
    const saved = await deps.store.saveExperiment(next);
    deps.experiments.invalidate();
    return saved;
  } catch (error) {
    if (error instanceof ConflictError) throw new ConflictError(`Experiment "${key}" changed while you acted on it; reload and try again.`);
    throw error;
  }
}

import { createHash } from 'node:crypto';
import { assign } from '@upshot/sdk/assign';
import type { Attributes } from '@upshot/sdk/config';
import type { Deps } from './deps.ts';
import { recordEvents } from './record-events.ts';

export interface AssignRequest {
  visitor: string;
  experiments?: string[];
  attributes?: Attributes;
}

export interface Assignment {
  variant: string;
  payload: Record<string, unknown>;
  phase: number;
}

/**
 * Server-side assignment with the SDK's own `assign`, recording one exposure per assigned
 * experiment. The exposure id derives from (experiment, phase, visitor), so calling again is a duplicate.
 */
export async function assignVisitor(deps: Deps, request: AssignRequest): Promise<{ assignments: Record<string, Assignment> }> {
  const running = [...(await deps.experiments.all()).values()].filter(
    (experiment) => experiment.status === 'running' && (!request.experiments || request.experiments.includes(experiment.key)),
  );
  const assignments: Record<string, Assignment> = {};
  const exposures: unknown[] = [];
  const now = deps.clock().getTime();
  for (const experiment of running) {
    const variantKey = assign(deps.experiments.configOf(experiment), request.visitor, request.attributes);
    const variant = experiment.variants.find((candidate) => candidate.key === variantKey);
    if (!variant) continue;
    assignments[experiment.key] = { variant: variant.key, payload: variant.payload, phase: experiment.phase };
    const id = createHash('sha256').update(`${experiment.key}:${experiment.phase}:${request.visitor}`).digest('base64url').slice(0, 32);
    exposures.push({ id, type: 'exposure', experiment: experiment.key, variant: variant.key, visitor: request.visitor, ts: now, phase: experiment.phase });
  }
  await recordEvents(deps, exposures);
  return { assignments };
}

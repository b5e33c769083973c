import { createHash } from 'node:crypto';
import type { ExperimentConfig } from '@upshot/sdk/config';
import type { Experiment } from '../domain/index.ts';
import type { Deps } from './deps.ts';

export interface PublicConfig {
  experiments: ExperimentConfig[];
}

/** Built once per loaded set of definitions: the cache hands out the same map until it reloads. */
const built = new WeakMap<Map<string, Experiment>, { config: PublicConfig; etag: string }>();

/** The running experiments as the SDK evaluates them, with an ETag over exactly these bytes. */
export async function getPublicConfig(deps: Deps): Promise<{ config: PublicConfig; etag: string }> {
  const definitions = await deps.experiments.all();
  let result = built.get(definitions);
  if (!result) {
    const experiments = [...definitions.values()]
      .filter((experiment) => experiment.status === 'running')
      .sort((a, b) => a.key.localeCompare(b.key))
      .map((experiment) => deps.experiments.configOf(experiment));
    const config = { experiments };
    result = { config, etag: `"${createHash('sha256').update(JSON.stringify(config)).digest('base64url').slice(0, 27)}"` };
    built.set(definitions, result);
  }
  return result;
}

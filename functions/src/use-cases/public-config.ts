import { createHash } from 'node:crypto';
import type { ExperimentConfig } from '@upshot/sdk/config';
import { toExperimentConfig } from '../domain/index.ts';
import type { Deps } from './deps.ts';

export interface PublicConfig {
  experiments: ExperimentConfig[];
}

/** The running experiments as the SDK evaluates them, with an ETag over exactly these bytes. */
export async function getPublicConfig(deps: Deps): Promise<{ config: PublicConfig; etag: string }> {
  const experiments = [...(await deps.experiments.all()).values()]
    .filter((experiment) => experiment.status === 'running')
    .sort((a, b) => a.key.localeCompare(b.key))
    .map(toExperimentConfig);
  const config = { experiments };
  const etag = `"${createHash('sha256').update(JSON.stringify(config)).digest('base64url').slice(0, 27)}"`;
  return { config, etag };
}

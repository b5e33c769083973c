import type { Store } from '../store/store.ts';
import type { ExperimentCache } from './experiment-cache.ts';

/** What every use case may use; built once per cold start by the composition root. */
export interface Deps {
  store: Store;
  experiments: ExperimentCache;
  clock: () => Date;
  /** Days a visitor's state is kept after its last event. */
  retentionDays: number;
}

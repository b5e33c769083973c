import type { Store } from '../store/store.ts';
import type { ExperimentCache } from './experiment-cache.ts';
import type { SdkKeyCache } from './sdk-key-cache.ts';

/** What every use case may use; built once per cold start by the composition root. */
export interface Deps {
  store: Store;
  experiments: ExperimentCache;
  /** SDK key records, cached like the experiments: the public routes check the key on every request. */
  sdkKeys: SdkKeyCache;
  clock: () => Date;
  /** Days a visitor's state is kept after its last event. */
  retentionDays: number;
}

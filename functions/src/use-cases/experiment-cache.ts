import type { ExperimentConfig } from '@upshot/sdk/config';
import { toExperimentConfig, type Experiment } from '../domain/index.ts';
import type { Store } from '../store/store.ts';

/**
 * Experiment definitions read by the hot public routes, kept for a few seconds per process
 * so a page view costs no experiment read. Writers in the same process invalidate it; other
 * processes see a change after at most `ttlMs`.
 */
export class ExperimentCache {
  #loaded: { at: number; byKey: Map<string, Experiment> } | null = null;
  #loading: Promise<Map<string, Experiment>> | null = null;
  /** Bumped by invalidate(), so a load that started before a write never stores what it read. */
  #generation = 0;
  /** Each definition's SDK config, built once per loaded definition rather than once per request. */
  readonly #configs = new WeakMap<Experiment, ExperimentConfig>();

  constructor(
    private readonly store: Store,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async all(): Promise<Map<string, Experiment>> {
    if (this.#loaded && this.now() - this.#loaded.at < this.ttlMs) return this.#loaded.byKey;
    if (this.#loading) return this.#loading;
    const generation = this.#generation;
    const loading = this.store
      .listExperiments()
      .then((experiments) => {
        const byKey = new Map(experiments.map((experiment) => [experiment.key, experiment]));
        if (generation === this.#generation) this.#loaded = { at: this.now(), byKey };
        return byKey;
      })
      .finally(() => {
        if (this.#loading === loading) this.#loading = null;
      });
    this.#loading = loading;
    return loading;
  }

  async get(key: string): Promise<Experiment | undefined> {
    return (await this.all()).get(key);
  }

  /** The SDK's view of a definition this cache returned (or any other). */
  configOf(experiment: Experiment): ExperimentConfig {
    let config = this.#configs.get(experiment);
    if (!config) this.#configs.set(experiment, (config = toExperimentConfig(experiment)));
    return config;
  }

  invalidate(): void {
    this.#generation++;
    this.#loaded = null;
    this.#loading = null;
  }
}

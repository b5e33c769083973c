import type { Experiment } from '../domain/index.ts';
import type { Store } from '../store/store.ts';

/**
 * Experiment definitions read by the hot public routes, kept for a few seconds per process
 * so a page view costs no experiment read. Writers in the same process invalidate it; other
 * processes see a change after at most `ttlMs`.
 */
export class ExperimentCache {
  #loaded: { at: number; byKey: Map<string, Experiment> } | null = null;
  #loading: Promise<Map<string, Experiment>> | null = null;

  constructor(
    private readonly store: Store,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async all(): Promise<Map<string, Experiment>> {
    if (this.#loaded && this.now() - this.#loaded.at < this.ttlMs) return this.#loaded.byKey;
    this.#loading ??= this.store
      .listExperiments()
      .then((experiments) => {
        const byKey = new Map(experiments.map((experiment) => [experiment.key, experiment]));
        this.#loaded = { at: this.now(), byKey };
        return byKey;
      })
      .finally(() => {
        this.#loading = null;
      });
    return this.#loading;
  }

  async get(key: string): Promise<Experiment | undefined> {
    return (await this.all()).get(key);
  }

  invalidate(): void {
    this.#loaded = null;
    this.#loading = null;
  }
}

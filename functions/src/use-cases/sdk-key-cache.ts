import type { SdkKeyRecord } from '../domain/index.ts';
import type { Store } from '../store/store.ts';

/**
 * SDK key records by hash, kept for a few seconds per process: every page request checks its SDK
 * key, and without this each one would cost a read. Unknown keys are remembered too, so a flood of
 * made-up keys costs one read per key and interval, and the map is emptied when it grows past
 * `maxEntries`. A read that fails is not remembered. Key changes in the same process invalidate it;
 * other processes see a revocation after at most `ttlMs`.
 */
export class SdkKeyCache {
  readonly #entries = new Map<string, { at: number; record: Promise<SdkKeyRecord | null> }>();

  constructor(
    private readonly store: Store,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 1_000,
  ) {}

  get(hash: string): Promise<SdkKeyRecord | null> {
    const hit = this.#entries.get(hash);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.record;
    if (this.#entries.size >= this.maxEntries) this.#entries.clear();
    const entry = { at: this.now(), record: this.store.getSdkKey(hash) };
    this.#entries.set(hash, entry);
    entry.record.catch(() => {
      if (this.#entries.get(hash) === entry) this.#entries.delete(hash);
    });
    return entry.record;
  }

  invalidate(): void {
    this.#entries.clear();
  }
}

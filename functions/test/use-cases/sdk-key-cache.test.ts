import { describe, expect, it } from 'vitest';
import type { SdkKeyRecord } from '../../src/domain/index.ts';
import type { Store } from '../../src/store/store.ts';
import { SdkKeyCache } from '../../src/use-cases/sdk-key-cache.ts';

const record = (hash: string): SdkKeyRecord => ({ id: `id-${hash}`, hash, label: 'shop', origins: ['https://shop.example'], createdAt: '2026-11-01T00:00:00.000Z' });

/** A store that only answers getSdkKey, counting the reads and failing while `failing` is set. */
function countingStore(known: string[]) {
  const reads: string[] = [];
  const state = { failing: false };
  const store = {
    async getSdkKey(hash: string) {
      reads.push(hash);
      if (state.failing) throw new Error('throttled');
      return known.includes(hash) ? record(hash) : null;
    },
  } as unknown as Store;
  return { store, reads, state };
}

describe('SdkKeyCache', () => {
  it('reads a key once per interval and again once the interval has passed', async () => {
    const { store, reads } = countingStore(['a']);
    let now = 1_000;
    const cache = new SdkKeyCache(store, 5_000, () => now);
    expect(await cache.get('a')).toEqual(record('a'));
    now += 4_999;
    expect(await cache.get('a')).toEqual(record('a'));
    expect(reads).toEqual(['a']);
    now += 1;
    await cache.get('a');
    expect(reads).toEqual(['a', 'a']);
  });

  it('shares one read between requests that arrive while it is under way', async () => {
    const { store, reads } = countingStore(['a']);
    const cache = new SdkKeyCache(store, 5_000);
    const answers = await Promise.all([cache.get('a'), cache.get('a'), cache.get('a')]);
    expect(answers).toEqual([record('a'), record('a'), record('a')]);
    expect(reads).toHaveLength(1);
  });

  it('remembers an unknown key, so made-up keys cost one read each per interval', async () => {
    const { store, reads } = countingStore([]);
    const cache = new SdkKeyCache(store, 5_000);
    expect(await cache.get('nope')).toBeNull();
    expect(await cache.get('nope')).toBeNull();
    expect(reads).toEqual(['nope']);
  });

  it('does not remember a failed read', async () => {
    const { store, reads, state } = countingStore(['a']);
    const cache = new SdkKeyCache(store, 5_000);
    state.failing = true;
    await expect(cache.get('a')).rejects.toThrow('throttled');
    state.failing = false;
    expect(await cache.get('a')).toEqual(record('a'));
    expect(reads).toEqual(['a', 'a']);
  });

  it('reads again after invalidate, and every time with an interval of 0', async () => {
    const { store, reads } = countingStore(['a']);
    const cache = new SdkKeyCache(store, 5_000);
    await cache.get('a');
    cache.invalidate();
    await cache.get('a');
    expect(reads).toHaveLength(2);
    const uncached = new SdkKeyCache(store, 0);
    await uncached.get('a');
    await uncached.get('a');
    expect(reads).toHaveLength(4);
  });

  it('empties itself instead of growing past its bound', async () => {
    const { store, reads } = countingStore([]);
    const cache = new SdkKeyCache(store, 60_000, Date.now, 3);
    for (const hash of ['k1', 'k2', 'k3', 'k4']) await cache.get(hash);
    await cache.get('k4');
    expect(reads).toEqual(['k1', 'k2', 'k3', 'k4']);
    await cache.get('k1');
    expect(reads).toEqual(['k1', 'k2', 'k3', 'k4', 'k1']);
  });
});

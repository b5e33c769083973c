import { describe, expect, it } from 'vitest';
import { newExperimentSchema, type Experiment } from '../../src/domain/index.ts';
import { draftExperiment } from '../../src/domain/lifecycle.ts';
import type { Store } from '../../src/store/store.ts';
import { ExperimentCache } from '../../src/use-cases/experiment-cache.ts';

const definition = (key: string, headline: string): Experiment =>
  draftExperiment(
    newExperimentSchema.parse({
      key,
      name: key,
      variants: [
        { key: 'A', weight: 0.5, control: true, payload: { headline } },
        { key: 'B', weight: 0.5, payload: { headline: `${headline}!` } },
      ],
      goals: [{ key: 'purchase', primary: true }],
    }),
    new Date('2026-11-01T00:00:00.000Z'),
  );

/** A store whose listExperiments answers when the test releases it, counting the calls. */
function slowStore() {
  const pending: ((experiments: Experiment[]) => void)[] = [];
  const store = { listExperiments: () => new Promise<Experiment[]>((resolve) => pending.push(resolve)) } as unknown as Store;
  return { store, pending };
}

describe('ExperimentCache', () => {
  it('shares one read between callers and keeps it for the interval', async () => {
    const { store, pending } = slowStore();
    let now = 0;
    const cache = new ExperimentCache(store, 5_000, () => now);
    const first = cache.all();
    const second = cache.all();
    pending[0]!([definition('offer', 'old')]);
    expect(await first).toBe(await second);
    now = 4_999;
    expect(await cache.all()).toBe(await first);
    expect(pending).toHaveLength(1);
    now = 5_000;
    const reload = cache.all();
    expect(pending).toHaveLength(2);
    pending[1]!([]);
    expect((await reload).size).toBe(0);
  });

  it('never keeps what a read that started before invalidate() returns', async () => {
    const { store, pending } = slowStore();
    const cache = new ExperimentCache(store, 60_000);
    const stale = cache.all();
    cache.invalidate();
    const fresh = cache.all();
    expect(pending).toHaveLength(2);
    pending[1]!([definition('offer', 'new')]);
    pending[0]!([definition('offer', 'old')]);
    expect((await stale).get('offer')!.variants[0]!.payload).toEqual({ headline: 'old' });
    expect((await fresh).get('offer')!.variants[0]!.payload).toEqual({ headline: 'new' });
    // The later, stale answer did not replace the fresh one.
    expect((await cache.get('offer'))!.variants[0]!.payload).toEqual({ headline: 'new' });
    expect(pending).toHaveLength(2);
  });

  it('builds each definition’s SDK config once', () => {
    const cache = new ExperimentCache({} as Store, 0);
    const offer = definition('offer', 'x');
    const config = cache.configOf(offer);
    expect(cache.configOf(offer)).toBe(config);
    expect(config).toMatchObject({ key: 'offer', variants: [{ key: 'A' }, { key: 'B' }] });
    expect(cache.configOf(definition('offer', 'x'))).not.toBe(config);
  });
});

import { counterName, newExperimentSchema, type ApiKeyRecord, type Experiment } from '../../src/domain/index.ts';
import { draftExperiment, transition } from '../../src/domain/lifecycle.ts';
import type { CounterRow, Store } from '../../src/store/store.ts';
import type { Deps } from '../../src/use-cases/deps.ts';
import { ExperimentCache } from '../../src/use-cases/experiment-cache.ts';
import { SdkKeyCache } from '../../src/use-cases/sdk-key-cache.ts';

/** The hero-offer experiment, launched at `launchedAt`. */
export function launchedExperiment(overrides: Record<string, unknown> = {}, launchedAt = new Date('2025-05-01T00:00:00.000Z')): Experiment {
  const definition = newExperimentSchema.parse({
    key: 'hero-offer',
    name: 'Hero offer',
    variants: [
      { key: 'A', weight: 0.5, control: true },
      { key: 'B', weight: 0.5 },
    ],
    goals: [{ key: 'purchase', primary: true, revenue: true }],
    stages: ['cart'],
    costs: { B: { fixed: 500, perVisitor: 0, perConversion: 2, revenueShare: 0.1 } },
    margin: 0.4,
    currency: 'EUR',
    ...overrides,
  });
  return transition(draftExperiment(definition, launchedAt), 'launch', {}, { now: launchedAt, newSeed: () => 'seed-1' });
}

/** One variant's counters on one day, as the aggregator leaves them (revenue in minor units). */
export function counterRow(
  variant: string,
  day: string,
  counts: { visitors: number; conversions?: number; revenue?: number; revenueSquares?: number; cart?: number; recovered?: number },
  goal = 'purchase',
): CounterRow {
  return {
    variant,
    day,
    counters: {
      [counterName.visitors]: BigInt(counts.visitors),
      [counterName.converters(goal)]: BigInt(counts.conversions ?? 0),
      [counterName.revenue(goal)]: BigInt(counts.revenue ?? 0),
      [counterName.revenueSquares(goal)]: BigInt(counts.revenueSquares ?? 0),
      [counterName.abandoners('cart')]: BigInt(counts.cart ?? 0),
      [counterName.recovered('cart')]: BigInt(counts.recovered ?? 0),
    },
  };
}

/**
 * A Store that implements only what reading results needs (and key lookups for the
 * handler); anything else throws, so a test notices when the use case asks for more.
 */
export function fakeDeps(
  experiment: Experiment,
  rows: CounterRow[],
  options: { now?: Date; apiKey?: ApiKeyRecord } = {},
): Deps {
  const implemented: Partial<Store> = {
    getExperiment: async (key) => (key === experiment.key ? experiment : null),
    readCounters: async (key, phase) => (key === experiment.key && phase >= 1 && phase <= experiment.phase ? rows : []),
    getApiKey: async (hash) => (options.apiKey?.hash === hash ? options.apiKey : null),
  };
  const store = new Proxy(implemented as Store, {
    get(target, name) {
      const method = target[name as keyof Store];
      if (method === undefined) throw new Error(`the fake store does not implement ${String(name)}`);
      return method;
    },
  });
  return {
    store,
    experiments: new ExperimentCache(store, 0),
    sdkKeys: new SdkKeyCache(store, 0),
    clock: () => options.now ?? new Date('2025-05-11T00:00:00.000Z'),
    retentionDays: 400,
  };
}

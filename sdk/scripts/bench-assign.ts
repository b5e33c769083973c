/**
 * Measures assignments per second on one core: `npx tsx sdk/scripts/bench-assign.ts`.
 * Ids are random UUIDs generated before timing (10,000 of them, as a server sees a
 * working set, and 1,000,000, cold in cache). Each scenario runs ROUNDS rounds and
 * reports the best, timed in process CPU time so other load on the machine does not count.
 */
import { randomUUID } from 'node:crypto';
import { assign } from '../src/assign.ts';
import type { Attributes, ExperimentConfig } from '../src/config.ts';

const CALLS = 3_000_000;
const ROUNDS = 5;

function experiment(seed: string, overrides: Partial<ExperimentConfig> = {}): ExperimentConfig {
  return {
    key: `bench-${seed}`,
    phase: 1,
    seed,
    hashVersion: 1,
    coverage: 1,
    variants: [
      { key: 'control', weight: 0.5, control: true, payload: {} },
      { key: 'treatment', weight: 0.5, control: false, payload: {} },
    ],
    targeting: [],
    goals: [],
    stages: [],
    ...overrides,
  };
}

const targeting: ExperimentConfig['targeting'] = [
  { attribute: 'country', operator: 'equals', values: ['de', 'at', 'ch'] },
  { attribute: 'url', operator: 'contains', values: ['/offers/'] },
];
const attributes: Attributes = { country: 'de', url: 'https://shop.example.com/offers/spring', device: 'mobile' };

const scenarios: { name: string; configs: ExperimentConfig[]; attributes?: Attributes }[] = [
  { name: 'one experiment, coverage 1', configs: [experiment('f3a9c2d1e8b74a60')] },
  { name: 'one experiment, coverage 0.5', configs: [experiment('f3a9c2d1e8b74a60', { coverage: 0.5 })] },
  {
    name: 'four experiments in turn (seed changes every call)',
    configs: ['f3a9c2d1e8b74a60', '0b7e4c9a2d1f8e36', 'c41d9e7f0a2b3c58', '9e8d7c6b5a4f3e2d'].map((seed) =>
      experiment(seed),
    ),
  },
  { name: 'one experiment, 2 targeting rules', configs: [experiment('f3a9c2d1e8b74a60', { targeting })], attributes },
];

function measure(visitors: readonly string[], configs: readonly ExperimentConfig[], attrs?: Attributes): number {
  let best = Infinity;
  let assigned = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.cpuUsage();
    for (let call = 0; call < CALLS; call++) {
      const config = configs[call % configs.length] as ExperimentConfig;
      if (assign(config, visitors[call % visitors.length] as string, attrs) !== null) assigned++;
    }
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1e6);
  }
  if (assigned === 0) throw new Error('nothing was assigned');
  return CALLS / best;
}

for (const poolSize of [10_000, 1_000_000]) {
  const visitors = Array.from({ length: poolSize }, () => randomUUID());
  for (const { name, configs, attributes: attrs } of scenarios) {
    const perSecond = measure(visitors, configs, attrs);
    console.log(
      `${poolSize.toLocaleString('en')} ids, ${name}: ${(perSecond / 1e6).toFixed(2)} M assignments/s ` +
        `(${(1e9 / perSecond).toFixed(0)} ns each)`,
    );
  }
}

import { randomUUID } from 'node:crypto';
import { assign } from '../../sdk/src/assign.ts';
import type { Attributes, ExperimentConfig } from '../../sdk/src/config.ts';

const CALLS = 3_000_000;
const ROUNDS = 5;

const experiment = (seed: string, overrides: Partial<ExperimentConfig> = {}): ExperimentConfig => ({
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
});

export interface AssignmentScenario {
  name: string;
  perSecondPerCore: number;
  nanosecondsEach: number;
}

/**
 * Assignments per second on one core with the shared `assign` (the SDK's and the server's):
 * 10,000 random UUIDs generated beforehand, each scenario timed in this process's CPU time
 * (so other load on a shared machine does not count) and the best of five rounds kept.
 */
export function measureAssignments(): AssignmentScenario[] {
  const visitors = Array.from({ length: 10_000 }, () => randomUUID());
  const attributes: Attributes = { country: 'de', url: 'https://shop.example.com/offers/spring', device: 'mobile' };
  const scenarios: { name: string; configs: ExperimentConfig[]; attributes?: Attributes }[] = [
    { name: 'one experiment, coverage 1', configs: [experiment('f3a9c2d1e8b74a60')] },
    { name: 'one experiment, coverage 0.5', configs: [experiment('f3a9c2d1e8b74a60', { coverage: 0.5 })] },
    { name: 'four experiments in turn', configs: ['f3a9c2d1e8b74a60', '0b7e4c9a2d1f8e36', 'c41d9e7f0a2b3c58', '9e8d7c6b5a4f3e2d'].map((seed) => experiment(seed)) },
    {
      name: 'two targeting rules',
      configs: [
        experiment('f3a9c2d1e8b74a60', {
          targeting: [
            { attribute: 'country', operator: 'equals', values: ['de', 'at', 'ch'] },
            { attribute: 'url', operator: 'contains', values: ['/offers/'] },
          ],
        }),
      ],
      attributes,
    },
  ];
  return scenarios.map(({ name, configs, attributes: attrs }) => {
    let best = Infinity;
    let assigned = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const start = process.cpuUsage();
      for (let call = 0; call < CALLS; call++) {
        if (assign(configs[call % configs.length]!, visitors[call % visitors.length]!, attrs) !== null) assigned++;
      }
      const used = process.cpuUsage(start);
      best = Math.min(best, (used.user + used.system) / 1e6);
    }
    if (assigned === 0) throw new Error(`${name}: nothing was assigned`);
    return { name, perSecondPerCore: Math.round(CALLS / best), nanosecondsEach: Math.round((best / CALLS) * 1e9 * 10) / 10 };
  });
}

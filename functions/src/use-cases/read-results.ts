import { NotFoundError, ValidationError, counterName, primaryGoal, type Experiment } from '../domain/index.ts';
import type { CounterRow } from '../store/store.ts';
import type { Deps } from './deps.ts';
import { getExperiment } from './manage-experiments.ts';

export interface VariantCounts {
  key: string;
  control: boolean;
  weight: number;
  visitors: number;
  conversions: number;
  /** Sum of per-visitor revenue totals, minor units. */
  revenue: number;
  /** Sum of squared per-visitor revenue totals, minor units squared (exact as a decimal string in `revenueSquaresExact`). */
  revenueSquares: number;
  revenueSquaresExact: string;
  abandonments: Record<string, number>;
  recovered: Record<string, number>;
}

export interface DailyCounts {
  day: string;
  variant: string;
  visitors: number;
  conversions: number;
  revenue: number;
}

export interface ResultCounts {
  experiment: string;
  phase: number;
  goal: string;
  currency: string;
  variants: VariantCounts[];
  daily: DailyCounts[];
}

const read = (counters: Record<string, bigint>, name: string) => counters[name] ?? 0n;

/** The counts of one experiment phase for one goal, summed from the counter items. */
export async function readResults(deps: Deps, key: string, options: { goal?: string; phase?: number } = {}): Promise<ResultCounts> {
  return readCounts(deps, await getExperiment(deps, key), options);
}

/** As `readResults`, for a caller that already holds the experiment. */
export async function readCounts(deps: Deps, experiment: Experiment, options: { goal?: string; phase?: number } = {}): Promise<ResultCounts> {
  const key = experiment.key;
  const goal = options.goal ?? primaryGoal(experiment).key;
  if (!experiment.goals.some((candidate) => candidate.key === goal)) {
    throw new ValidationError(`Experiment "${key}" has no goal "${goal}".`, { goals: experiment.goals.map((candidate) => candidate.key) });
  }
  const phase = options.phase ?? experiment.phase;
  if (phase < 1 || phase > experiment.phase) {
    throw new NotFoundError(experiment.phase === 0 ? `Experiment "${key}" has not been launched yet.` : `Experiment "${key}" has phases 1 to ${experiment.phase}.`);
  }
  const rows = await deps.store.readCounters(key, phase);
  const phaseRecord = experiment.phases.find((candidate) => candidate.phase === phase);
  const phaseWeights = new Map((phaseRecord?.variants ?? experiment.variants).map((variant) => [variant.key, variant.weight]));

  const totals = new Map<string, Record<string, bigint>>();
  for (const row of rows) {
    const total = totals.get(row.variant) ?? {};
    for (const [name, value] of Object.entries(row.counters)) total[name] = (total[name] ?? 0n) + value;
    totals.set(row.variant, total);
  }
  // The phase's own variants with its weights; a variant with counts outside them (none in practice) weighs 0.
  const variantKeys = [...new Set([...phaseWeights.keys(), ...totals.keys()])];
  const variants = variantKeys.map((variantKey): VariantCounts => {
    const counters = totals.get(variantKey) ?? {};
    const definition = experiment.variants.find((variant) => variant.key === variantKey);
    const revenueSquares = read(counters, counterName.revenueSquares(goal));
    return {
      key: variantKey,
      control: definition?.control ?? false,
      weight: phaseWeights.get(variantKey) ?? 0,
      visitors: Number(read(counters, counterName.visitors)),
      conversions: Number(read(counters, counterName.converters(goal))),
      revenue: Number(read(counters, counterName.revenue(goal))),
      revenueSquares: Number(revenueSquares),
      revenueSquaresExact: revenueSquares.toString(),
      abandonments: Object.fromEntries(experiment.stages.map((stage) => [stage, Number(read(counters, counterName.abandoners(stage)))])),
      recovered: Object.fromEntries(experiment.stages.map((stage) => [stage, Number(read(counters, counterName.recovered(stage)))])),
    };
  });
  return { experiment: key, phase, goal, currency: experiment.currency, variants, daily: dailyCounts(rows, goal) };
}

function dailyCounts(rows: CounterRow[], goal: string): DailyCounts[] {
  return rows.map((row) => ({
    day: row.day,
    variant: row.variant,
    visitors: Number(read(row.counters, counterName.visitors)),
    conversions: Number(read(row.counters, counterName.converters(goal))),
    revenue: Number(read(row.counters, counterName.revenue(goal))),
  }));
}

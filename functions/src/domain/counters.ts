import type { VisitorState } from './visitor-state.ts';

/**
 * Counter deltas, keyed by counter name. bigint because sums of squared revenue in minor
 * units outgrow 2^53; DynamoDB adds them exactly as decimal numbers.
 */
export type CounterDelta = Record<string, bigint>;

/** Counter names: one flat namespace so one UpdateItem can ADD them all. */
export const counterName = {
  visitors: 'visitors',
  converters: (goal: string) => `conv.${goal}`,
  revenue: (goal: string) => `rev.${goal}`,
  revenueSquares: (goal: string) => `rev2.${goal}`,
  abandoners: (stage: string) => `aband.${stage}`,
  recovered: (stage: string) => `recov.${stage}`,
};

/** What one visitor adds to the counters of their variant. */
export function contribution(state: VisitorState | null | undefined): CounterDelta {
  if (!state) return {};
  const counters: CounterDelta = { [counterName.visitors]: 1n };
  for (const [goal, { revenue }] of Object.entries(state.goals)) {
    const total = BigInt(revenue);
    counters[counterName.converters(goal)] = 1n;
    counters[counterName.revenue(goal)] = total;
    counters[counterName.revenueSquares(goal)] = total * total;
  }
  for (const [stage, { recovered }] of Object.entries(state.stages)) {
    counters[counterName.abandoners(stage)] = 1n;
    if (recovered) counters[counterName.recovered(stage)] = 1n;
  }
  return counters;
}

/**
 * How the counters move when a visitor's state changes from `before` to `after`: the
 * contribution after minus the one before, zero entries left out. Summed over every change
 * of every visitor, it equals the contribution of the final states: exact, whatever the batching.
 */
export function counterDelta(before: VisitorState | null | undefined, after: VisitorState | null | undefined): CounterDelta {
  const from = contribution(before);
  const to = contribution(after);
  const delta: CounterDelta = {};
  for (const name of new Set([...Object.keys(from), ...Object.keys(to)])) {
    const change = (to[name] ?? 0n) - (from[name] ?? 0n);
    if (change !== 0n) delta[name] = change;
  }
  return delta;
}

export function addDeltas(target: CounterDelta, delta: CounterDelta): CounterDelta {
  for (const [name, value] of Object.entries(delta)) target[name] = (target[name] ?? 0n) + value;
  return target;
}

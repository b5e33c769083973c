import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDeltas, contribution, counterDelta, counterName, type CounterDelta } from '../../src/domain/counters.ts';
import type { TrackedEvent } from '../../src/domain/event.ts';
import { applyEvents, type PendingEvent, type VisitorState } from '../../src/domain/visitor-state.ts';

function state(overrides: Partial<VisitorState> = {}): VisitorState {
  return {
    experiment: 'hero-offer',
    phase: 1,
    visitor: 'v-1',
    variant: 'B',
    exposedAt: 1_000,
    day: '2025-06-01',
    goals: {},
    stages: {},
    ids: ['x'],
    version: 1,
    ...overrides,
  };
}

function sumOfDeltas(states: (VisitorState | null)[]): CounterDelta {
  const total: CounterDelta = {};
  for (let index = 1; index < states.length; index++) addDeltas(total, counterDelta(states[index - 1], states[index]));
  return total;
}

/** Leaves out zero entries, so sums and contributions compare by their non-zero counters. */
function nonZero(delta: CounterDelta): CounterDelta {
  return Object.fromEntries(Object.entries(delta).filter(([, value]) => value !== 0n));
}

describe('counterName', () => {
  it('names counters in one flat namespace', () => {
    expect(counterName.visitors).toBe('visitors');
    expect(counterName.converters('purchase')).toBe('conv.purchase');
    expect(counterName.revenue('purchase')).toBe('rev.purchase');
    expect(counterName.revenueSquares('purchase')).toBe('rev2.purchase');
    expect(counterName.abandoners('cart')).toBe('aband.cart');
    expect(counterName.recovered('cart')).toBe('recov.cart');
  });
});

describe('contribution', () => {
  it('is empty for no state', () => {
    expect(contribution(null)).toEqual({});
    expect(contribution(undefined)).toEqual({});
  });

  it('counts an exposed visitor who did nothing else as one visitor', () => {
    expect(contribution(state())).toEqual({ visitors: 1n });
  });

  it('counts a converter once per goal with the revenue total and its square', () => {
    expect(contribution(state({ goals: { purchase: { revenue: 700, at: 3_000 }, signup: { revenue: 0, at: 2_000 } } }))).toEqual({
      visitors: 1n,
      'conv.purchase': 1n,
      'rev.purchase': 700n,
      'rev2.purchase': 490_000n,
      'conv.signup': 1n,
      'rev.signup': 0n,
      'rev2.signup': 0n,
    });
  });

  it('counts an abandoner once per stage and a recovered one also as recovered', () => {
    expect(
      contribution(state({ stages: { cart: { at: 2_000, recovered: true }, checkout: { at: 2_500, recovered: false } } })),
    ).toEqual({ visitors: 1n, 'aband.cart': 1n, 'recov.cart': 1n, 'aband.checkout': 1n });
  });

  it('squares revenue exactly beyond 2^53', () => {
    // 3,000,000,000² = 9,000,000,000,000,000,000 > 2^53 ≈ 9.007e15.
    expect(contribution(state({ goals: { purchase: { revenue: 3_000_000_000, at: 1 } } }))['rev2.purchase']).toBe(
      9_000_000_000_000_000_000n,
    );
  });
});

describe('counterDelta', () => {
  it('is the whole contribution for a new visitor', () => {
    expect(counterDelta(null, state({ goals: { purchase: { revenue: 300, at: 2_000 } } }))).toEqual({
      visitors: 1n,
      'conv.purchase': 1n,
      'rev.purchase': 300n,
      'rev2.purchase': 90_000n,
    });
  });

  it('is empty when nothing counted changed', () => {
    const before = state({ goals: { purchase: { revenue: 300, at: 2_000 } } });
    const after = state({ goals: { purchase: { revenue: 300, at: 2_500 } }, ids: ['x', 'y'], day: '2025-06-02' });
    expect(counterDelta(before, after)).toEqual({});
  });

  it('moves revenue by the new amount and the squares by the change of the squared total', () => {
    const before = state({ goals: { purchase: { revenue: 300, at: 2_000 } } });
    const after = state({ goals: { purchase: { revenue: 700, at: 3_000 } } });
    // 700² − 300² = 490,000 − 90,000 = 400,000
    expect(counterDelta(before, after)).toEqual({ 'rev.purchase': 400n, 'rev2.purchase': 400_000n });
  });

  it('adds a recovered counter when an abandonment becomes recovered', () => {
    const before = state({ stages: { cart: { at: 2_000, recovered: false } } });
    const after = state({ stages: { cart: { at: 2_000, recovered: true } }, goals: { signup: { revenue: 0, at: 2_100 } } });
    expect(counterDelta(before, after)).toEqual({ 'recov.cart': 1n, 'conv.signup': 1n });
  });

  it('is the negated contribution when a state disappears', () => {
    expect(counterDelta(state({ stages: { cart: { at: 2_000, recovered: false } } }), null)).toEqual({ visitors: -1n, 'aband.cart': -1n });
  });

  it('gives rev2 = 490000 for conversions of 300 and 400 in two batches, not 300² + 400² = 250000', () => {
    const first = applyEvents(
      null,
      [{ index: 0, event: { id: 'exp-00001', type: 'exposure', experiment: 'hero-offer', variant: 'B', visitor: 'v-1', ts: 1_000 }, digest: 'e1' }],
      { phase: 1, day: '2025-06-01' },
    ).state;
    const second = applyEvents(
      first,
      [{ index: 0, event: conversionEvent('conv-0001', 2_000, 300), digest: 'c1' }],
      { phase: 1, day: '2025-06-01' },
    ).state;
    const third = applyEvents(
      second,
      [{ index: 0, event: conversionEvent('conv-0002', 3_000, 400), digest: 'c2' }],
      { phase: 1, day: '2025-06-02' },
    ).state;
    expect(sumOfDeltas([null, first, second, third])).toEqual({
      visitors: 1n,
      'conv.purchase': 1n,
      'rev.purchase': 700n,
      'rev2.purchase': 490_000n,
    });
  });
});

describe('addDeltas', () => {
  it('adds deltas into the target by name and returns it', () => {
    const target: CounterDelta = { visitors: 2n, 'rev.purchase': 100n };
    const result = addDeltas(target, { 'rev.purchase': -40n, 'conv.purchase': 1n });
    expect(result).toBe(target);
    expect(target).toEqual({ visitors: 2n, 'rev.purchase': 60n, 'conv.purchase': 1n });
  });
});

function conversionEvent(id: string, ts: number, revenue: number): TrackedEvent {
  return { id, type: 'conversion', experiment: 'hero-offer', variant: 'B', visitor: 'v-1', ts, goal: 'purchase', revenue };
}

/** One visitor's events: ids from a small pool so duplicates happen, both variants so mismatches happen. */
const eventArbitrary: fc.Arbitrary<TrackedEvent> = fc.oneof(
  fc.record({
    id: fc.integer({ min: 0, max: 11 }).map((n) => `event-${n}`),
    type: fc.constant('exposure' as const),
    variant: fc.constantFrom('A', 'B'),
    ts: fc.integer({ min: 1, max: 100 }),
  }),
  fc.record({
    id: fc.integer({ min: 0, max: 11 }).map((n) => `event-${n}`),
    type: fc.constant('conversion' as const),
    variant: fc.constantFrom('A', 'B'),
    ts: fc.integer({ min: 1, max: 100 }),
    goal: fc.constantFrom('purchase', 'signup'),
    revenue: fc.option(fc.integer({ min: 0, max: 1_000_000_000 }), { nil: undefined }),
  }),
  fc.record({
    id: fc.integer({ min: 0, max: 11 }).map((n) => `event-${n}`),
    type: fc.constant('abandonment' as const),
    variant: fc.constantFrom('A', 'B'),
    ts: fc.integer({ min: 1, max: 100 }),
    stage: fc.constantFrom('cart', 'checkout'),
  }),
).map((event) => {
  const { revenue, ...rest } = event as typeof event & { revenue?: number };
  return { ...rest, ...(revenue === undefined ? {} : { revenue }), experiment: 'hero-offer', visitor: 'v-1' } as TrackedEvent;
});

const batchesArbitrary = fc.array(fc.array(eventArbitrary, { minLength: 0, maxLength: 6 }), { minLength: 1, maxLength: 8 });

function applyBatches(batches: TrackedEvent[][]): { states: (VisitorState | null)[]; accepted: TrackedEvent[] } {
  const states: (VisitorState | null)[] = [null];
  const accepted: TrackedEvent[] = [];
  batches.forEach((batch, batchIndex) => {
    const events: PendingEvent[] = batch.map((event, index) => ({ index, event, digest: event.id }));
    const applied = applyEvents(states[states.length - 1]!, events, { phase: 1, day: `2025-06-0${(batchIndex % 9) + 1}` });
    for (const [index, outcome] of applied.outcomes) if (outcome.kind === 'accepted') accepted.push(batch[index]!);
    states.push(applied.state);
  });
  return { states, accepted };
}

describe('counterDelta over applyEvents', () => {
  it('sums over consecutive states to the contribution of the final state, whatever the batching', () => {
    fc.assert(
      fc.property(batchesArbitrary, (batches) => {
        const { states } = applyBatches(batches);
        expect(nonZero(sumOfDeltas(states))).toEqual(nonZero(contribution(states[states.length - 1])));
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same visitors, converters, revenue and abandoners when the same events arrive in one batch or one by one', () => {
    fc.assert(
      fc.property(fc.array(eventArbitrary, { minLength: 1, maxLength: 10 }), (events) => {
        // Distinct ids and one variant: what counts then cannot depend on how the events are batched.
        const sameVariant = events.map((event, index) => ({ ...event, id: `event-${index}`, variant: 'A' }) as TrackedEvent);
        const exposureFirst = [
          { id: 'first-exposure', type: 'exposure', experiment: 'hero-offer', variant: 'A', visitor: 'v-1', ts: 1 } as TrackedEvent,
          ...sameVariant,
        ];
        const together = applyBatches([exposureFirst]);
        const apart = applyBatches(exposureFirst.map((event) => [event]));
        const count = (states: (VisitorState | null)[]) => {
          const { visitors, ...rest } = nonZero(sumOfDeltas(states));
          return { visitors, ...Object.fromEntries(Object.entries(rest).filter(([name]) => !name.startsWith('recov.'))) };
        };
        expect(count(apart.states)).toEqual(count(together.states));
      }),
      { numRuns: 300 },
    );
  });

  it('counts revenue and its square from the accepted conversions, per visitor total', () => {
    fc.assert(
      fc.property(batchesArbitrary, (batches) => {
        const { states, accepted } = applyBatches(batches);
        const totals = sumOfDeltas(states);
        for (const goal of ['purchase', 'signup']) {
          const conversions = accepted.filter((event) => event.type === 'conversion' && event.goal === goal);
          let revenue = 0n;
          for (const event of conversions) if (event.type === 'conversion') revenue += BigInt(event.revenue ?? 0);
          expect(totals[`conv.${goal}`] ?? 0n).toBe(conversions.length > 0 ? 1n : 0n);
          expect(totals[`rev.${goal}`] ?? 0n).toBe(revenue);
          expect(totals[`rev2.${goal}`] ?? 0n).toBe(revenue * revenue);
        }
        for (const stage of ['cart', 'checkout']) {
          const abandoned = accepted.some((event) => event.type === 'abandonment' && event.stage === stage);
          expect(totals[`aband.${stage}`] ?? 0n).toBe(abandoned ? 1n : 0n);
        }
        expect(totals['visitors'] ?? 0n).toBe(states[states.length - 1] ? 1n : 0n);
      }),
      { numRuns: 500 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import type { TrackedEvent } from '../../src/domain/event.ts';
import { MAX_EVENT_IDS_PER_VISITOR, applyEvents, type PendingEvent, type VisitorState } from '../../src/domain/visitor-state.ts';

const context = { phase: 2, day: '2025-06-01' };
const nextDay = { phase: 2, day: '2025-06-02' };

const base = { experiment: 'hero-offer', visitor: 'v-1' };

function exposure(id: string, ts: number, variant = 'A'): TrackedEvent {
  return { ...base, id, type: 'exposure', variant, ts };
}

function conversion(id: string, ts: number, goal: string, revenue?: number, variant = 'A'): TrackedEvent {
  return { ...base, id, type: 'conversion', variant, ts, goal, ...(revenue === undefined ? {} : { revenue }) };
}

function abandonment(id: string, ts: number, stage: string, variant = 'A'): TrackedEvent {
  return { ...base, id, type: 'abandonment', variant, ts, stage };
}

/** Pending events in request order; the digest is the id itself, which is enough for these tests. */
function pending(...events: TrackedEvent[]): PendingEvent[] {
  return events.map((event, index) => ({ index, event, digest: `d:${event.id}` }));
}

function state(overrides: Partial<VisitorState> = {}): VisitorState {
  return {
    experiment: 'hero-offer',
    phase: 2,
    visitor: 'v-1',
    variant: 'A',
    exposedAt: 1_000,
    day: '2025-05-31',
    goals: {},
    stages: {},
    ids: ['d:exp-1'],
    version: 4,
    ...overrides,
  };
}

function outcomeKinds(outcomes: Map<number, { kind: string }>): string[] {
  return [...outcomes.entries()].sort(([a], [b]) => a - b).map(([, outcome]) => outcome.kind);
}

describe('applyEvents', () => {
  describe('exposure', () => {
    it('creates the state of a new visitor in the variant of the exposure', () => {
      const applied = applyEvents(null, pending(exposure('exp-1', 1_000, 'B')), context);
      expect(applied.changed).toBe(true);
      expect(applied.state).toEqual({
        experiment: 'hero-offer',
        phase: 2,
        visitor: 'v-1',
        variant: 'B',
        exposedAt: 1_000,
        day: '2025-06-01',
        goals: {},
        stages: {},
        ids: ['d:exp-1'],
        version: 0,
      });
      expect(applied.outcomes.get(0)).toEqual({ kind: 'accepted' });
    });

    it('places a visitor with two exposures in one batch in the variant of the earlier one', () => {
      const applied = applyEvents(null, pending(exposure('exp-late', 2_000, 'A'), exposure('exp-early', 1_500, 'B')), context);
      expect(applied.state?.variant).toBe('B');
      expect(applied.state?.exposedAt).toBe(1_500);
      expect(applied.outcomes.get(0)).toMatchObject({ kind: 'rejected', reason: 'variant_mismatch' });
      expect(applied.outcomes.get(1)).toEqual({ kind: 'accepted' });
    });

    it('accepts a second exposure to the same variant without moving the exposure time', () => {
      const applied = applyEvents(state(), pending(exposure('exp-2', 5_000)), context);
      expect(applied.outcomes.get(0)).toEqual({ kind: 'accepted' });
      expect(applied.state?.exposedAt).toBe(1_000);
      expect(applied.state?.ids).toEqual(['d:exp-1', 'd:exp-2']);
    });

    it('refuses an exposure to another variant than the one the visitor is in', () => {
      const applied = applyEvents(state(), pending(exposure('exp-2', 5_000, 'B')), context);
      expect(applied.outcomes.get(0)).toEqual({
        kind: 'rejected',
        reason: 'variant_mismatch',
        message: 'The visitor is in variant "A", not "B".',
      });
      expect(applied.changed).toBe(false);
      expect(applied.state?.variant).toBe('A');
    });
  });

  describe('duplicates', () => {
    it('counts an event id already on the state as a duplicate', () => {
      const applied = applyEvents(state(), pending(exposure('exp-1', 1_000)), context);
      expect(applied.outcomes.get(0)).toEqual({ kind: 'duplicate' });
      expect(applied.changed).toBe(false);
    });

    it('counts a repeated id within one batch as a duplicate', () => {
      const applied = applyEvents(
        state(),
        pending(conversion('conv-1', 2_000, 'purchase', 300), conversion('conv-1', 2_000, 'purchase', 300)),
        context,
      );
      expect(outcomeKinds(applied.outcomes)).toEqual(['accepted', 'duplicate']);
      expect(applied.state?.goals).toEqual({ purchase: { revenue: 300, at: 2_000 } });
      expect(applied.state?.ids).toEqual(['d:exp-1', 'd:conv-1']);
    });

    it('counts a repeated exposure id of a new visitor within one batch as a duplicate', () => {
      const applied = applyEvents(null, pending(exposure('exp-1', 1_000), exposure('exp-1', 1_000)), context);
      expect(outcomeKinds(applied.outcomes)).toEqual(['accepted', 'duplicate']);
      expect(applied.state?.ids).toEqual(['d:exp-1']);
    });

    it('does not add revenue twice for a re-sent conversion in a later batch', () => {
      const first = applyEvents(state(), pending(conversion('conv-1', 2_000, 'purchase', 300)), context);
      const second = applyEvents(first.state, pending(conversion('conv-1', 2_000, 'purchase', 300)), nextDay);
      expect(second.outcomes.get(0)).toEqual({ kind: 'duplicate' });
      expect(second.changed).toBe(false);
      expect(second.state?.goals).toEqual({ purchase: { revenue: 300, at: 2_000 } });
      expect(second.state?.day).toBe('2025-05-31');
    });
  });

  describe('never exposed', () => {
    it('refuses a conversion from a visitor never exposed', () => {
      const applied = applyEvents(null, pending(conversion('conv-1', 2_000, 'purchase', 300)), context);
      expect(applied.outcomes.get(0)).toEqual({
        kind: 'rejected',
        reason: 'not_exposed',
        message: 'The visitor was never exposed to experiment "hero-offer": send an exposure first.',
      });
      expect(applied.state).toBeNull();
      expect(applied.changed).toBe(false);
    });

    it('refuses an abandonment from a visitor never exposed', () => {
      const applied = applyEvents(null, pending(abandonment('ab-1', 2_000, 'cart')), context);
      expect(applied.outcomes.get(0)).toMatchObject({ kind: 'rejected', reason: 'not_exposed' });
      expect(applied.state).toBeNull();
      expect(applied.changed).toBe(false);
    });

    it('accepts a conversion whose exposure comes in the same batch', () => {
      const applied = applyEvents(null, pending(exposure('exp-1', 1_000), conversion('conv-1', 2_000, 'purchase', 300)), context);
      expect(outcomeKinds(applied.outcomes)).toEqual(['accepted', 'accepted']);
      expect(applied.state?.goals).toEqual({ purchase: { revenue: 300, at: 2_000 } });
    });

    it('accepts a conversion and an abandonment listed before their exposure in the same batch', () => {
      const applied = applyEvents(
        null,
        pending(abandonment('ab-1', 1_500, 'cart'), conversion('conv-1', 2_000, 'purchase', 300), exposure('exp-1', 3_000)),
        context,
      );
      expect(outcomeKinds(applied.outcomes)).toEqual(['accepted', 'accepted', 'accepted']);
      expect(applied.state?.variant).toBe('A');
      expect(applied.state?.exposedAt).toBe(3_000);
      expect(applied.state?.goals).toEqual({ purchase: { revenue: 300, at: 2_000 } });
      expect(applied.state?.stages).toEqual({ cart: { at: 1_500, recovered: true } });
    });

    it('refuses every conversion of a batch without an exposure for a visitor never exposed', () => {
      const applied = applyEvents(null, pending(conversion('conv-1', 2_000, 'purchase'), conversion('conv-2', 3_000, 'signup')), context);
      expect(applied.outcomes.get(0)).toMatchObject({ reason: 'not_exposed' });
      expect(applied.outcomes.get(1)).toMatchObject({ reason: 'not_exposed' });
      expect(applied.state).toBeNull();
    });
  });

  describe('variant mismatch', () => {
    it('refuses a conversion for another variant than the visitor is in', () => {
      const applied = applyEvents(state(), pending(conversion('conv-1', 2_000, 'purchase', 300, 'B')), context);
      expect(applied.outcomes.get(0)).toEqual({
        kind: 'rejected',
        reason: 'variant_mismatch',
        message: 'The visitor is in variant "A", not "B".',
      });
      expect(applied.state?.goals).toEqual({});
      expect(applied.changed).toBe(false);
    });

    it('refuses an abandonment for another variant than the visitor is in', () => {
      const applied = applyEvents(state(), pending(abandonment('ab-1', 2_000, 'cart', 'B')), context);
      expect(applied.outcomes.get(0)).toMatchObject({ kind: 'rejected', reason: 'variant_mismatch' });
      expect(applied.state?.stages).toEqual({});
    });

    it('refuses a conversion for another variant than the exposure in the same batch', () => {
      const applied = applyEvents(null, pending(exposure('exp-1', 1_000, 'A'), conversion('conv-1', 2_000, 'purchase', 300, 'B')), context);
      expect(applied.outcomes.get(1)).toMatchObject({ kind: 'rejected', reason: 'variant_mismatch' });
      expect(applied.state?.goals).toEqual({});
    });

    it('does not remember the id of a refused event, so a corrected resend is not a duplicate', () => {
      const refused = applyEvents(state(), pending(conversion('conv-1', 2_000, 'purchase', 300, 'B')), context);
      expect(refused.state?.ids).toEqual(['d:exp-1']);
      const resent = applyEvents(refused.state, pending(conversion('conv-1', 2_000, 'purchase', 300, 'A')), context);
      expect(resent.outcomes.get(0)).toEqual({ kind: 'accepted' });
    });
  });

  describe('conversions', () => {
    it('converts a goal once and adds up revenue across distinct conversion ids', () => {
      const first = applyEvents(state(), pending(conversion('conv-1', 2_000, 'purchase', 300)), context);
      const second = applyEvents(first.state, pending(conversion('conv-2', 3_000, 'purchase', 400)), nextDay);
      expect(second.state?.goals).toEqual({ purchase: { revenue: 700, at: 3_000 } });
      expect(Object.keys(second.state!.goals)).toEqual(['purchase']);
      // The day is the exposure cohort's: a conversion on a later day does not move it.
      expect(second.state?.day).toBe('2025-05-31');
    });

    it('adds up revenue of several conversions in one batch', () => {
      const applied = applyEvents(
        state(),
        pending(
          conversion('conv-1', 2_000, 'purchase', 300),
          conversion('conv-2', 2_500, 'purchase', 400),
          conversion('conv-3', 2_200, 'purchase', 50),
        ),
        context,
      );
      expect(applied.state?.goals).toEqual({ purchase: { revenue: 750, at: 2_500 } });
    });

    it('records a conversion without revenue as zero revenue', () => {
      const applied = applyEvents(state(), pending(conversion('conv-1', 2_000, 'signup')), context);
      expect(applied.state?.goals).toEqual({ signup: { revenue: 0, at: 2_000 } });
    });

    it('keeps the latest conversion time when an older conversion arrives later', () => {
      const first = applyEvents(state(), pending(conversion('conv-2', 5_000, 'purchase', 100)), context);
      const second = applyEvents(first.state, pending(conversion('conv-1', 3_000, 'purchase', 200)), context);
      expect(second.state?.goals).toEqual({ purchase: { revenue: 300, at: 5_000 } });
    });

    it('keeps goals apart', () => {
      const applied = applyEvents(
        state(),
        pending(conversion('conv-1', 2_000, 'signup'), conversion('conv-2', 3_000, 'purchase', 990)),
        context,
      );
      expect(applied.state?.goals).toEqual({ signup: { revenue: 0, at: 2_000 }, purchase: { revenue: 990, at: 3_000 } });
    });
  });

  describe('abandonments', () => {
    it('abandons a stage once and keeps the first abandonment time', () => {
      const first = applyEvents(state(), pending(abandonment('ab-1', 2_000, 'cart')), context);
      const second = applyEvents(first.state, pending(abandonment('ab-2', 3_000, 'cart')), context);
      expect(second.outcomes.get(0)).toEqual({ kind: 'accepted' });
      expect(second.state?.stages).toEqual({ cart: { at: 2_000, recovered: false } });
      expect(second.state?.ids).toEqual(['d:exp-1', 'd:ab-1', 'd:ab-2']);
    });

    it('keeps stages apart', () => {
      const applied = applyEvents(state(), pending(abandonment('ab-1', 2_000, 'cart'), abandonment('ab-2', 2_500, 'checkout')), context);
      expect(applied.state?.stages).toEqual({ cart: { at: 2_000, recovered: false }, checkout: { at: 2_500, recovered: false } });
    });

    it('recovers an abandonment by a later conversion in a later batch', () => {
      const first = applyEvents(state(), pending(abandonment('ab-1', 2_000, 'cart')), context);
      const second = applyEvents(first.state, pending(conversion('conv-1', 4_000, 'purchase', 100)), nextDay);
      expect(second.state?.stages).toEqual({ cart: { at: 2_000, recovered: true } });
    });

    it('recovers an abandonment by a conversion at the same moment', () => {
      const applied = applyEvents(state(), pending(abandonment('ab-1', 2_000, 'cart'), conversion('conv-1', 2_000, 'purchase')), context);
      expect(applied.state?.stages).toEqual({ cart: { at: 2_000, recovered: true } });
    });

    it('recovers an abandonment by a conversion at the same moment listed before it', () => {
      const applied = applyEvents(state(), pending(conversion('conv-1', 2_000, 'purchase'), abandonment('ab-1', 2_000, 'cart')), context);
      expect(applied.state?.stages).toEqual({ cart: { at: 2_000, recovered: true } });
    });

    it('does not recover an abandonment by a conversion before it', () => {
      const applied = applyEvents(state(), pending(conversion('conv-1', 1_500, 'purchase'), abandonment('ab-1', 2_000, 'cart')), context);
      expect(applied.state?.stages).toEqual({ cart: { at: 2_000, recovered: false } });
    });

    it('does not recover an abandonment after the last conversion, arriving in a later batch', () => {
      const first = applyEvents(state(), pending(conversion('conv-1', 1_500, 'purchase', 100), conversion('conv-2', 1_800, 'signup')), context);
      const second = applyEvents(first.state, pending(abandonment('ab-1', 2_000, 'cart')), context);
      expect(second.state?.stages).toEqual({ cart: { at: 2_000, recovered: false } });
    });

    it('recovers an abandonment that arrives late when a conversion after it is already on record', () => {
      const first = applyEvents(state(), pending(conversion('conv-1', 5_000, 'purchase', 100)), context);
      const second = applyEvents(first.state, pending(abandonment('ab-1', 2_000, 'cart')), context);
      expect(second.state?.stages).toEqual({ cart: { at: 2_000, recovered: true } });
    });

    it('keeps the earliest abandonment time when an earlier abandonment of the stage arrives in a later batch', () => {
      const first = applyEvents(state(), pending(abandonment('ab-late', 5_000, 'cart')), context);
      const second = applyEvents(first.state, pending(abandonment('ab-early', 2_000, 'cart')), context);
      expect(second.state?.stages).toEqual({ cart: { at: 2_000, recovered: false } });
    });

    it('recovers a stage by a conversion after its earliest abandonment, whatever order the beacons arrive in', () => {
      // The visitor abandons the cart at 2000, converts at 3000 and abandons the cart again at 5000;
      // the beacons arrive latest abandonment first.
      const first = applyEvents(state(), pending(abandonment('ab-late', 5_000, 'cart')), context);
      const second = applyEvents(first.state, pending(abandonment('ab-early', 2_000, 'cart')), context);
      const third = applyEvents(second.state, pending(conversion('conv-1', 3_000, 'purchase')), context);
      expect(third.state?.stages['cart']?.recovered).toBe(true);
    });

    it('recovers only the stages abandoned at or before the conversion', () => {
      const applied = applyEvents(
        state(),
        pending(abandonment('ab-1', 2_000, 'cart'), conversion('conv-1', 3_000, 'purchase'), abandonment('ab-2', 4_000, 'checkout')),
        context,
      );
      expect(applied.state?.stages).toEqual({ cart: { at: 2_000, recovered: true }, checkout: { at: 4_000, recovered: false } });
    });

    it('keeps a recovered stage recovered when the visitor abandons it again', () => {
      const applied = applyEvents(
        state(),
        pending(abandonment('ab-1', 2_000, 'cart'), conversion('conv-1', 3_000, 'purchase'), abandonment('ab-2', 4_000, 'cart')),
        context,
      );
      expect(applied.state?.stages).toEqual({ cart: { at: 2_000, recovered: true } });
    });
  });

  describe('event-id limit', () => {
    const idsUpTo = (count: number) => Array.from({ length: count }, (_, index) => `d:old-${index}`);

    it('accepts events up to the limit and refuses the ones beyond it', () => {
      expect(MAX_EVENT_IDS_PER_VISITOR).toBe(400);
      const applied = applyEvents(
        state({ ids: idsUpTo(399) }),
        pending(conversion('conv-1', 2_000, 'purchase', 100), conversion('conv-2', 3_000, 'purchase', 200)),
        context,
      );
      expect(applied.outcomes.get(0)).toEqual({ kind: 'accepted' });
      expect(applied.outcomes.get(1)).toEqual({
        kind: 'rejected',
        reason: 'visitor_event_limit',
        message: 'A visitor may send at most 400 events per experiment phase.',
      });
      expect(applied.state?.ids).toHaveLength(400);
      expect(applied.state?.goals).toEqual({ purchase: { revenue: 100, at: 2_000 } });
    });

    it('refuses every new event of a visitor at the limit and leaves the state unchanged', () => {
      const full = state({ ids: idsUpTo(400) });
      const applied = applyEvents(full, pending(abandonment('ab-1', 2_000, 'cart')), context);
      expect(applied.outcomes.get(0)).toMatchObject({ kind: 'rejected', reason: 'visitor_event_limit' });
      expect(applied.changed).toBe(false);
      expect(applied.state).toEqual(full);
    });

    it('still reports a re-sent event of a visitor at the limit as a duplicate', () => {
      const applied = applyEvents(state({ ids: idsUpTo(400) }), pending(exposure('old-7', 1_000)), context);
      expect(applied.outcomes.get(0)).toEqual({ kind: 'duplicate' });
    });
  });

  describe('changed', () => {
    it('is false for an empty batch', () => {
      const current = state();
      const applied = applyEvents(current, [], context);
      expect(applied.changed).toBe(false);
      expect(applied.state).toEqual(current);
      expect(applied.outcomes.size).toBe(0);
    });

    it('is false when every event is a duplicate or refused', () => {
      const applied = applyEvents(
        state(),
        pending(exposure('exp-1', 1_000), conversion('conv-9', 2_000, 'purchase', 10, 'B')),
        context,
      );
      expect(applied.changed).toBe(false);
      expect(applied.state?.day).toBe('2025-05-31');
    });

    it('is true, and the exposure day stays, when one event is accepted', () => {
      const applied = applyEvents(state(), pending(exposure('exp-1', 1_000), conversion('conv-1', 2_000, 'purchase')), context);
      expect(applied.changed).toBe(true);
      expect(applied.state?.day).toBe('2025-05-31');
    });

    it('keeps the version: the store bumps it on write', () => {
      expect(applyEvents(state({ version: 4 }), pending(conversion('conv-1', 2_000, 'purchase')), context).state?.version).toBe(4);
    });
  });

  it('answers every event of the batch by its index', () => {
    const events: PendingEvent[] = [
      { index: 7, event: exposure('exp-1', 1_000), digest: 'd:exp-1' },
      { index: 3, event: conversion('conv-1', 2_000, 'purchase', 0, 'B'), digest: 'd:conv-1' },
      { index: 5, event: abandonment('ab-1', 1_500, 'cart'), digest: 'd:ab-1' },
    ];
    const applied = applyEvents(state(), events, context);
    expect([...applied.outcomes.keys()].sort((a, b) => a - b)).toEqual([3, 5, 7]);
    expect(applied.outcomes.get(7)).toEqual({ kind: 'duplicate' });
    expect(applied.outcomes.get(3)).toMatchObject({ kind: 'rejected', reason: 'variant_mismatch' });
    expect(applied.outcomes.get(5)).toEqual({ kind: 'accepted' });
  });

  it('does not mutate the state it is given', () => {
    const current = state({
      goals: { purchase: { revenue: 100, at: 1_500 } },
      stages: { cart: { at: 1_200, recovered: true }, checkout: { at: 1_800, recovered: false } },
    });
    const copy = structuredClone(current);
    const applied = applyEvents(
      current,
      pending(conversion('conv-1', 2_000, 'purchase', 300), abandonment('ab-1', 2_500, 'payment'), exposure('exp-2', 2_600)),
      context,
    );
    expect(current).toEqual(copy);
    expect(applied.state).not.toBe(current);
    expect(applied.state?.stages['checkout']).toEqual({ at: 1_800, recovered: true });
  });

  it('does not mutate the events array it is given', () => {
    const events = pending(conversion('conv-1', 3_000, 'purchase'), exposure('exp-1', 1_000));
    const order = events.map((event) => event.index);
    applyEvents(null, events, context);
    expect(events.map((event) => event.index)).toEqual(order);
  });
});

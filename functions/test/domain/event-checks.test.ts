import { describe, expect, it } from 'vitest';
import { MAX_CLOCK_SKEW_MS, MAX_EVENT_AGE_MS, checkEvent, type EventCheckContext } from '../../src/domain/event-checks.ts';
import type { TrackedEvent } from '../../src/domain/event.ts';
import type { Experiment } from '../../src/domain/experiment.ts';

const now = Date.parse('2025-06-15T12:00:00.000Z');

const experiment: Experiment = {
  key: 'hero-offer',
  name: 'Hero offer',
  variants: [
    { key: 'A', weight: 0.5, control: true, payload: {} },
    { key: 'B', weight: 0.5, control: false, payload: {} },
  ],
  coverage: 1,
  targeting: [],
  goals: [
    { key: 'purchase', primary: true, revenue: true },
    { key: 'signup', primary: false, revenue: false },
  ],
  stages: ['cart', 'checkout'],
  costs: {},
  margin: 1,
  currency: 'EUR',
  status: 'running',
  phase: 3,
  seed: 'abc',
  phases: [],
  version: 5,
  createdAt: '2025-06-01T00:00:00.000Z',
  updatedAt: '2025-06-01T00:00:00.000Z',
};

/** Visitors named "in-<variant>" are assigned that variant; "outside-…" visitors are outside coverage. */
const context: EventCheckContext = {
  now,
  assignedVariant: (_experiment, visitor) => (visitor.startsWith('in-') ? visitor.slice(3) : null),
  isIncluded: (_experiment, visitor) => !visitor.startsWith('outside-'),
};

function exposure(overrides: Partial<TrackedEvent> = {}): TrackedEvent {
  return { id: 'event-0001', type: 'exposure', experiment: 'hero-offer', variant: 'A', visitor: 'in-A', ts: now, ...overrides } as TrackedEvent;
}

function conversion(overrides: Record<string, unknown> = {}): TrackedEvent {
  return {
    id: 'event-0002',
    type: 'conversion',
    experiment: 'hero-offer',
    variant: 'A',
    visitor: 'in-A',
    ts: now,
    goal: 'purchase',
    revenue: 1_999,
    currency: 'EUR',
    ...overrides,
  } as TrackedEvent;
}

function abandonment(overrides: Record<string, unknown> = {}): TrackedEvent {
  return { id: 'event-0003', type: 'abandonment', experiment: 'hero-offer', variant: 'A', visitor: 'in-A', ts: now, stage: 'cart', ...overrides } as TrackedEvent;
}

describe('checkEvent', () => {
  it('accepts an exposure to the assigned variant of a running experiment', () => {
    expect(checkEvent(exposure(), experiment, context)).toEqual({ ok: true });
  });

  it('accepts a conversion with revenue in the experiment currency', () => {
    expect(checkEvent(conversion(), experiment, context)).toEqual({ ok: true });
  });

  it('accepts a conversion without currency', () => {
    expect(checkEvent(conversion({ currency: undefined }), experiment, context)).toEqual({ ok: true });
  });

  it('accepts an abandonment of a known stage', () => {
    expect(checkEvent(abandonment({ stage: 'checkout' }), experiment, context)).toEqual({ ok: true });
  });

  it('refuses an event for an unknown experiment', () => {
    expect(checkEvent(exposure({ experiment: 'nope' }), undefined, context)).toEqual({
      ok: false,
      reason: 'unknown_experiment',
      message: 'No experiment "nope".',
    });
  });

  it.each(['draft', 'paused', 'stopped', 'archived'] as const)('refuses an event for a %s experiment', (status) => {
    expect(checkEvent(conversion(), { ...experiment, status }, context)).toEqual({
      ok: false,
      reason: 'experiment_not_running',
      message: `Experiment "hero-offer" is ${status}; it takes events only while running.`,
    });
  });

  it('refuses an event from an older phase', () => {
    expect(checkEvent(exposure({ phase: 2 }), experiment, context)).toEqual({
      ok: false,
      reason: 'stale_phase',
      message: 'The event is for phase 2; experiment "hero-offer" is in phase 3.',
    });
  });

  it('accepts an event naming the current phase', () => {
    expect(checkEvent(exposure({ phase: 3 }), experiment, context)).toEqual({ ok: true });
  });

  it('accepts an event 30 days old and refuses one a millisecond older', () => {
    expect(MAX_EVENT_AGE_MS).toBe(2_592_000_000);
    expect(checkEvent(exposure({ ts: now - 2_592_000_000 }), experiment, context)).toEqual({ ok: true });
    expect(checkEvent(exposure({ ts: now - 2_592_000_001 }), experiment, context)).toEqual({
      ok: false,
      reason: 'timestamp_out_of_range',
      message: 'ts must lie between 30 days ago and one day ahead of the server clock.',
    });
  });

  it('accepts an event one day ahead and refuses one a millisecond further', () => {
    expect(MAX_CLOCK_SKEW_MS).toBe(86_400_000);
    expect(checkEvent(conversion({ ts: now + 86_400_000 }), experiment, context)).toEqual({ ok: true });
    expect(checkEvent(conversion({ ts: now + 86_400_001 }), experiment, context)).toMatchObject({ ok: false, reason: 'timestamp_out_of_range' });
  });

  it('refuses a variant the experiment does not have', () => {
    expect(checkEvent(conversion({ variant: 'C' }), experiment, context)).toEqual({
      ok: false,
      reason: 'unknown_variant',
      message: 'Experiment "hero-offer" has no variant "C".',
    });
  });

  it('refuses a conversion for an unknown goal', () => {
    expect(checkEvent(conversion({ goal: 'refund' }), experiment, context)).toEqual({
      ok: false,
      reason: 'unknown_goal',
      message: 'Experiment "hero-offer" has no goal "refund".',
    });
  });

  it('refuses revenue for a goal that does not track revenue', () => {
    expect(checkEvent(conversion({ goal: 'signup', revenue: 100 }), experiment, context)).toEqual({
      ok: false,
      reason: 'revenue_not_tracked',
      message: 'Goal "signup" does not track revenue.',
    });
  });

  it('accepts a conversion without revenue for a goal that does not track revenue', () => {
    expect(checkEvent(conversion({ goal: 'signup', revenue: undefined, currency: undefined }), experiment, context)).toEqual({ ok: true });
  });

  it('refuses revenue in another currency', () => {
    expect(checkEvent(conversion({ currency: 'USD' }), experiment, context)).toEqual({
      ok: false,
      reason: 'currency_mismatch',
      message: 'Experiment "hero-offer" counts revenue in EUR, not USD.',
    });
  });

  it('refuses an abandonment of an unknown stage', () => {
    expect(checkEvent(abandonment({ stage: 'payment' }), experiment, context)).toEqual({
      ok: false,
      reason: 'unknown_stage',
      message: 'Experiment "hero-offer" has no stage "payment".',
    });
  });

  it('refuses an exposure of a visitor outside coverage', () => {
    expect(checkEvent(exposure({ visitor: 'outside-1' }), experiment, context)).toEqual({
      ok: false,
      reason: 'not_included',
      message: "The visitor is outside the experiment's coverage.",
    });
  });

  it('refuses an exposure to a variant the visitor is not assigned (tamper guard)', () => {
    expect(checkEvent(exposure({ visitor: 'in-B', variant: 'A' }), experiment, context)).toEqual({
      ok: false,
      reason: 'variant_mismatch',
      message: 'The visitor is not assigned to variant "A".',
    });
  });

  it('leaves the variant of conversions and abandonments to the visitor state', () => {
    expect(checkEvent(conversion({ visitor: 'in-B', variant: 'A' }), experiment, context)).toEqual({ ok: true });
    expect(checkEvent(abandonment({ visitor: 'outside-1' }), experiment, context)).toEqual({ ok: true });
  });

  it('passes the experiment and visitor to the assignment callbacks', () => {
    const seen: [string, string][] = [];
    checkEvent(exposure({ visitor: 'in-A' }), experiment, {
      now,
      assignedVariant: (candidate, visitor) => {
        seen.push([candidate.key, visitor]);
        return 'A';
      },
      isIncluded: (candidate, visitor) => {
        seen.push([candidate.key, visitor]);
        return true;
      },
    });
    expect(seen).toEqual([
      ['hero-offer', 'in-A'],
      ['hero-offer', 'in-A'],
    ]);
  });

  it('checks the experiment status before the phase and the phase before the timestamp', () => {
    const stale = exposure({ phase: 1, ts: now - 40 * 86_400_000 });
    expect(checkEvent(stale, { ...experiment, status: 'paused' }, context)).toMatchObject({ reason: 'experiment_not_running' });
    expect(checkEvent(stale, experiment, context)).toMatchObject({ reason: 'stale_phase' });
  });
});

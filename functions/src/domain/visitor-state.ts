import type { RejectionReason, TrackedEvent } from './event.ts';

/** Event ids one visitor may send to one experiment phase; beyond it we refuse rather than risk double counting. */
export const MAX_EVENT_IDS_PER_VISITOR = 400;

/**
 * Everything Upshot keeps about one visitor in one experiment phase. Counters are derived
 * from it (see counters.ts), so applying an event is a pure change of this state.
 */
export interface VisitorState {
  experiment: string;
  phase: number;
  visitor: string;
  /** The variant of the first exposure; events for any other variant are refused. */
  variant: string;
  exposedAt: number;
  /**
   * UTC day (YYYY-MM-DD, server clock) of the first exposure. Every counter delta of this visitor
   * lands on it (exposure-day cohorts), so counters can be rebuilt exactly from the states.
   */
  day: string;
  /** Converted goals: revenue total in minor units and the last conversion time. */
  goals: Record<string, { revenue: number; at: number }>;
  /** Abandoned stages: first abandonment time, and whether a later conversion recovered it. */
  stages: Record<string, { at: number; recovered: boolean }>;
  /** Short digests of every accepted event id: the exactly-once guard. */
  ids: string[];
  /** Optimistic-concurrency version, bumped on every write. */
  version: number;
}

export type EventOutcome = { kind: 'accepted' } | { kind: 'duplicate' } | { kind: 'rejected'; reason: RejectionReason; message: string };

export interface PendingEvent {
  /** Position in the request, so outcomes map back to it. */
  index: number;
  event: TrackedEvent;
  digest: string;
}

export interface Application {
  state: VisitorState | null;
  /** True when the state differs from the one given: only then is a write needed. */
  changed: boolean;
  outcomes: Map<number, EventOutcome>;
}

const accepted: EventOutcome = { kind: 'accepted' };
const duplicate: EventOutcome = { kind: 'duplicate' };
const rejected = (reason: RejectionReason, message: string): EventOutcome => ({ kind: 'rejected', reason, message });

/** Exposures first, then time order: a batch holding a visitor's exposure and conversion applies both. */
function applicationOrder(a: PendingEvent, b: PendingEvent): number {
  const exposureFirst = Number(b.event.type === 'exposure') - Number(a.event.type === 'exposure');
  return exposureFirst || a.event.ts - b.event.ts || a.index - b.index;
}

/**
 * Applies one visitor's events to their state. Semantics (DESIGN §5): a visitor counts once, in
 * the variant of the first exposure; a goal converts once and revenue adds up; a stage is abandoned
 * once and recovered by any conversion at or after it; a conversion or abandonment from a visitor
 * never exposed, or for another variant, is refused; a repeated event id is a duplicate.
 */
export function applyEvents(current: VisitorState | null, events: PendingEvent[], context: { phase: number; day: string }): Application {
  const { phase, day } = context;
  const outcomes = new Map<number, EventOutcome>();
  let state = current ? structuredClone(current) : null;
  let changed = false;

  for (const { index, event, digest } of [...events].sort(applicationOrder)) {
    if (state?.ids.includes(digest)) {
      outcomes.set(index, duplicate);
      continue;
    }
    if (state && state.ids.length >= MAX_EVENT_IDS_PER_VISITOR) {
      outcomes.set(index, rejected('visitor_event_limit', `A visitor may send at most ${MAX_EVENT_IDS_PER_VISITOR} events per experiment phase.`));
      continue;
    }
    if (!state) {
      if (event.type !== 'exposure') {
        outcomes.set(index, rejected('not_exposed', `The visitor was never exposed to experiment "${event.experiment}": send an exposure first.`));
        continue;
      }
      state = {
        experiment: event.experiment,
        phase,
        visitor: event.visitor,
        variant: event.variant,
        exposedAt: event.ts,
        day,
        goals: {},
        stages: {},
        ids: [],
        version: 0,
      };
    } else if (event.variant !== state.variant) {
      outcomes.set(index, rejected('variant_mismatch', `The visitor is in variant "${state.variant}", not "${event.variant}".`));
      continue;
    }

    if (event.type === 'conversion') {
      const goal = state.goals[event.goal];
      state.goals[event.goal] = {
        revenue: (goal?.revenue ?? 0) + (event.revenue ?? 0),
        at: Math.max(goal?.at ?? 0, event.ts),
      };
      for (const stage of Object.values(state.stages)) {
        if (stage.at <= event.ts) stage.recovered = true;
      }
    } else if (event.type === 'abandonment') {
      // A stage counts once, from its earliest abandonment, whatever order the beacons arrive in.
      const stage = state.stages[event.stage];
      const at = Math.min(stage?.at ?? event.ts, event.ts);
      const convertedSince = Object.values(state.goals).some((goal) => goal.at >= at);
      state.stages[event.stage] = { at, recovered: Boolean(stage?.recovered) || convertedSince };
    }
    state.ids.push(digest);
    changed = true;
    outcomes.set(index, accepted);
  }
  return { state, changed, outcomes };
}

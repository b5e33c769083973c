import { createHash } from 'node:crypto';
import { chooseVariant, isIncluded } from '@upshot/sdk/assign';
import {
  applyEvents,
  checkEvent,
  trackedEventSchema,
  type EventCheckContext,
  type EventOutcome,
  type IngestResult,
  type PendingEvent,
  type Rejection,
  type VisitorState,
} from '../domain/index.ts';
import { visitorKeyString, type VisitorKey } from '../store/store.ts';
import type { Deps } from './deps.ts';

/** Conditional-write attempts for one visitor before the request fails and the client retries. */
const MAX_WRITE_ATTEMPTS = 8;
/** Visitors written in parallel for one request. */
const WRITE_CONCURRENCY = 16;

/** A short digest of an event id: 72 bits keep duplicate detection exact at a third of the bytes. */
export function eventDigest(id: string): string {
  return createHash('sha256').update(id).digest('base64url').slice(0, 12);
}

/** Names no visitor: the message reaches the logs. */
export class WriteContentionError extends Error {
  constructor() {
    super('A visitor state kept changing under concurrent writes; retry the request.');
  }
}

/** The event checks' view of assignment, with each experiment's config as the cache keeps it. */
function checkContext(deps: Deps, now: number): EventCheckContext {
  return {
    now,
    assignedVariant: (experiment, visitor) => chooseVariant(deps.experiments.configOf(experiment), visitor),
    isIncluded: (experiment, visitor) => isIncluded(deps.experiments.configOf(experiment), visitor),
  };
}

/**
 * Records a batch of events exactly once. Each event is parsed and checked on its own; the
 * valid ones are grouped per visitor, and each visitor's group is one conditional write of
 * their state (retried on a concurrent write), so the same event id twice counts once even
 * when both copies arrive at the same moment. Every event gets an outcome.
 */
export async function recordEvents(deps: Deps, events: unknown[]): Promise<IngestResult> {
  const now = deps.clock();
  const outcomes = new Map<number, EventOutcome>();
  const context = checkContext(deps, now.getTime());
  const groups = new Map<string, { key: VisitorKey; events: PendingEvent[] }>();

  await Promise.all(
    events.map(async (raw, index) => {
      const parsed = trackedEventSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
        outcomes.set(index, { kind: 'rejected', reason: 'invalid_event', message: `${where}${issue?.message ?? 'invalid event'}` });
        return;
      }
      const event = parsed.data;
      const experiment = await deps.experiments.get(event.experiment);
      const check = checkEvent(event, experiment, context);
      if (!check.ok) {
        outcomes.set(index, { kind: 'rejected', reason: check.reason, message: check.message });
        return;
      }
      const key = { experiment: event.experiment, phase: experiment!.phase, visitor: event.visitor };
      const id = visitorKeyString(key);
      const group = groups.get(id) ?? { key, events: [] };
      group.events.push({ index, event, digest: eventDigest(event.id) });
      groups.set(id, group);
    }),
  );

  if (groups.size > 0) {
    const states = await deps.store.getVisitorStates([...groups.values()].map((group) => group.key));
    const day = now.toISOString().slice(0, 10);
    const expiresAt = Math.floor(now.getTime() / 1000) + deps.retentionDays * 86_400;
    await forEachLimited([...groups.values()], WRITE_CONCURRENCY, async (group) => {
      let current: VisitorState | null = states.get(visitorKeyString(group.key)) ?? null;
      for (let attempt = 1; ; attempt++) {
        const applied = applyEvents(current, group.events, { phase: group.key.phase, day });
        if (!applied.changed || (await deps.store.putVisitorState(applied.state!, expiresAt))) {
          for (const [index, outcome] of applied.outcomes) outcomes.set(index, outcome);
          return;
        }
        if (attempt >= MAX_WRITE_ATTEMPTS) throw new WriteContentionError();
        current = (await deps.store.getVisitorStates([group.key])).get(visitorKeyString(group.key)) ?? null;
      }
    });
  }

  const result: IngestResult = { accepted: 0, duplicates: 0, rejected: [] };
  for (let index = 0; index < events.length; index++) {
    const outcome = outcomes.get(index);
    if (outcome?.kind === 'accepted') result.accepted++;
    else if (outcome?.kind === 'duplicate') result.duplicates++;
    else if (outcome?.kind === 'rejected') result.rejected.push({ index, reason: outcome.reason, message: outcome.message } satisfies Rejection);
  }
  return result;
}

async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(workers);
}

import { unmarshall } from '@aws-sdk/util-dynamodb';
import { hash } from '@upshot/sdk/assign';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { counterDelta, type VisitorState } from '../domain/index.ts';
import { compareSequence, parseVisitorState } from '../store/dynamodb-store.ts';
import type { CounterUpdate, Store } from '../store/store.ts';

/** The parts of a Lambda DynamoDB Streams event the aggregator reads. */
export interface StreamBatch {
  /** Present on tumbling-window invocations (AWS) and always from the local poller. */
  shardId?: string;
  Records: {
    eventName?: string;
    dynamodb?: {
      SequenceNumber?: string;
      Keys?: Record<string, unknown>;
      NewImage?: Record<string, unknown>;
      OldImage?: Record<string, unknown>;
    };
  }[];
}

export interface StreamBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
  /** Tumbling-window invocations must return a state; the counters live in the table, so it stays empty. */
  state: Record<string, never>;
}

export class MissingShardIdError extends Error {
  constructor() {
    super('The stream event has no shardId: configure the event source mapping with a tumbling window so each shard keeps its own watermark.');
  }
}

const imageToState = (image: Record<string, unknown> | undefined): VisitorState | null =>
  image ? parseVisitorState(unmarshall(image as Record<string, AttributeValue>, { wrapNumbers: true })) : null;

/** Short, stable name of a stream shard for the counter sort key. */
const shardToken = (shardId: string): string => hash(shardId).toString(36);

/**
 * Turns a batch of visitor-state changes into counter updates: per change, the contribution
 * after minus the one before, summed per (experiment, phase, variant, day) counter item.
 * Removals (TTL expiry) are ignored: counts outlive the per-visitor detail. On failure it
 * reports the first record of every failed item, so Lambda retries from there; the per-shard
 * watermark on each counter item skips whatever was already applied.
 */
export async function aggregateStream(store: Store, batch: StreamBatch): Promise<StreamBatchResponse> {
  const updates = new Map<string, CounterUpdate>();
  const shard = batch.shardId ? shardToken(batch.shardId) : undefined;

  for (const record of batch.Records) {
    const change = record.dynamodb;
    const pk = (change?.Keys?.['pk'] as { S?: string } | undefined)?.S;
    if (!change?.SequenceNumber || !pk?.startsWith('VIS#') || record.eventName === 'REMOVE') continue;
    const after = imageToState(change.NewImage);
    if (!after) continue;
    const delta = counterDelta(imageToState(change.OldImage), after);
    if (Object.keys(delta).length === 0) continue;
    if (!shard) throw new MissingShardIdError();
    const itemKey = `${after.experiment}#${after.phase}#${after.variant}#${after.day}`;
    const update = updates.get(itemKey) ?? { experiment: after.experiment, phase: after.phase, variant: after.variant, day: after.day, shard, records: [] };
    update.records.push({ sequenceNumber: change.SequenceNumber, delta });
    updates.set(itemKey, update);
  }

  const failed: string[] = [];
  await Promise.all(
    [...updates.values()].map(async (update) => {
      try {
        await store.applyCounterUpdate(update);
      } catch {
        failed.push(update.records[0]!.sequenceNumber);
      }
    }),
  );
  const first = failed.sort(compareSequence)[0];
  return { batchItemFailures: first ? [{ itemIdentifier: first }] : [], state: {} };
}

/**
 * The local twin of Lambda's DynamoDB Streams event source mapping: reads the table's
 * stream and calls a handler with events shaped exactly like Lambda's, with Lambda's
 * batching, retry, bisect, partial-batch-response and on-failure semantics
 * (ParallelizationFactor 1, StartingPosition TRIM_HORIZON). Delivery is at least once:
 * the checkpoint (per shard, the last sequence number fully handled) is written
 * atomically after every successful batch, so a restart resumes after it and may
 * re-deliver the batch that was in flight, never skip one.
 *
 * Retries, as in Lambda: a handler that throws has its batch split in two when
 * `bisectBatchOnFunctionError` is on (splitting does not count as a retry), otherwise
 * the batch is retried with exponential backoff; a `batchItemFailures` response
 * checkpoints up to the record before the lowest failed sequence number and retries
 * from there (an identifier not in the batch fails the whole batch). After
 * `maximumRetryAttempts` (-1 = until the records expire) the batch's shard and
 * sequence range go to `failureFile` as one JSON line shaped like Lambda's on-failure
 * destination record (plus `errorMessage`), and the poller moves on.
 *
 * Tumbling windows (`tumblingWindowInSeconds`, Lambda's TumblingWindowInSeconds): only
 * then does the event carry `shardId`, `eventSourceARN`, `window`, `state` and the
 * final-invoke flags, exactly as in Lambda. Records go to the window of their
 * ApproximateCreationDateTime; a batch never spans two windows; the handler must return
 * `{ state }` or the invocation counts as failed; once a window has ended (a record of a
 * later window arrives, or the clock passes its end) the handler gets a final
 * invocation with no records and `isFinalInvokeForWindow: true`, retried until it
 * succeeds; a state over 1 MB ends the window early. The open window and its state are
 * saved with the checkpoint.
 *
 * What DynamoDB Local (jar 3.3.1, `-sharedDb -dbPath`) does with streams, measured:
 * - Stream records live in the same SQLite file as the items (tables `sm`, `ss`, `us`),
 *   so they survive a restart: same stream ARN, same shard id, same sequence numbers and
 *   event ids, and new writes continue the numbering. TRIM_HORIZON after a restart
 *   returns the old records again; AFTER_SEQUENCE_NUMBER with a checkpoint from before
 *   the restart works. With `-inMemory` everything, stream included, is gone.
 * - Records older than 24 h (wall clock, checked on read) are trimmed: TRIM_HORIZON
 *   silently starts after them, and AFTER_SEQUENCE_NUMBER from a checkpoint that
 *   precedes an expired record fails with TrimmedDataAccessException. So a platform
 *   left stopped for a day with unconsumed records loses them.
 * - Shards never roll over in the server: the jar has a 4 h rollover job but only
 *   starts it from its embedded test hooks, so a stream keeps one open shard.
 *   Parent/child ordering is still implemented for real streams.
 * - Shard iterators expire after 15 minutes (ExpiredIteratorException); the poller
 *   fetches a new one from its position.
 * - Deleting and recreating the table gives a new stream ARN and a new shard id;
 *   GetShardIterator with an old shard id fails with ResourceNotFoundException. A
 *   sequence number beyond the end of a shard is accepted and simply returns nothing,
 *   which is why the checkpoint also records the stream ARN.
 * - Sequence numbers are one counter for the whole server (21 digits, zero padded), so
 *   a new table's stream does not start at 1.
 * - An empty map comes out of GetRecords as `{}` instead of `{"M":{}}`; the conversion
 *   below restores Lambda's form. ApproximateCreationDateTime is rounded down to the
 *   minute, and awsRegion and the ARN say `ddblocal`.
 *
 * Stream reset: when the checkpoint cannot be honoured (unreadable checkpoint file,
 * different stream ARN, a checkpointed shard gone, TrimmedDataAccessException,
 * ResourceNotFoundException for the shard), records may have been lost. With
 * `onStreamReset` the poller moves every shard to its current end, awaits the callback
 * (the platform rebuilds its counters from the items), then saves the new checkpoint
 * and delivers only later records; writes made while the callback runs are delivered
 * too, so the rebuild must tolerate them (at least once). If the callback throws, the
 * reset is attempted again. Without the callback it logs a warning and starts over at
 * TRIM_HORIZON, as a new event source mapping would.
 */
import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
  type AttributeValue as StreamsAttributeValue,
  type DynamoDBStreamsClientConfig,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

/** The event Lambda sends when the event source mapping has a tumbling window. */
export interface DynamoDBStreamTumblingWindowEvent extends DynamoDBStreamEvent {
  window: { start: string; end: string };
  state: Record<string, unknown>;
  shardId: string;
  eventSourceARN: string;
  isFinalInvokeForWindow: boolean;
  isWindowTerminatedEarly: boolean;
}

/** What a handler must return when a tumbling window is configured; without `state` the invocation counts as failed. */
export interface DynamoDBStreamStateResponse extends Partial<DynamoDBBatchResponse> {
  state: Record<string, unknown>;
}

export type StreamHandler = (
  event: DynamoDBStreamEvent | DynamoDBStreamTumblingWindowEvent,
) => Promise<DynamoDBBatchResponse | DynamoDBStreamStateResponse | void>;

export interface StreamPollerOptions {
  clientConfig: DynamoDBStreamsClientConfig;
  tableName: string;
  /** Receives a DynamoDBStreamTumblingWindowEvent when `tumblingWindowInSeconds` is set. */
  handler: StreamHandler;
  /** Records per invocation; 100 as in Lambda. */
  batchSize?: number;
  /** How long to gather records for a batch that is not full; 200 ms. */
  maximumBatchingWindowMs?: number;
  /** Split a failing batch in two; true. */
  bisectBatchOnFunctionError?: boolean;
  /**
   * Lambda's TumblingWindowInSeconds (0 or absent: none). Events then carry `window`, `state`,
   * `shardId`, `eventSourceARN` and the final-invoke flags; a batch never spans two windows.
   */
  tumblingWindowInSeconds?: number;
  /** Retries before a batch goes to the failure file; 10; -1 retries until the records expire. */
  maximumRetryAttempts?: number;
  /** JSON file holding the per-shard checkpoint; without it the poller starts at TRIM_HORIZON every time. */
  checkpointFile?: string;
  /** JSON-lines file receiving one on-failure record per discarded batch. */
  failureFile?: string;
  /** Progress lines (stream opened, shard read to its end, stopped). */
  log?: (line: string) => void;
  /** Failures, retries and resets; `log` when not given, else the console. */
  warn?: (line: string) => void;
  /** Pause between polls of an idle stream; 250 ms (Lambda polls each shard four times a second). */
  pollIntervalMs?: number;
  /** First retry delay, doubled each retry; 100 ms. */
  retryBaseDelayMs?: number;
  /** Longest retry delay; 5 s. */
  retryMaxDelayMs?: number;
  /** Called when the stream can no longer be read from the checkpoint; see the doc block above. */
  onStreamReset?: () => Promise<void>;
}

export interface StreamPoller {
  /** Finishes the batch being handled (without further retries) and stops. */
  stop(): Promise<void>;
  /** Resolves once every record written before the call has been delivered and acknowledged (or sent to the failure file). */
  drain(timeoutMs?: number): Promise<void>;
}

/** What `failureFile` receives, one JSON object a line, modelled on Lambda's on-failure destination record. */
export interface StreamFailureRecord {
  requestContext: { requestId: string; functionArn: string; condition: 'RetryAttemptsExhausted'; approximateInvokeCount: number };
  responseContext: { statusCode: number; executedVersion: string; functionError: 'Unhandled' };
  version: '1.0';
  timestamp: string;
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string | null;
    approximateArrivalOfLastRecord: string | null;
    batchSize: number;
    streamArn: string;
  };
  errorMessage: string;
}

interface CheckpointDocument {
  version: 1;
  tableName: string;
  streamArn: string;
  shards: Record<string, SavedShard>;
  updatedAt: string;
}

interface SavedShard {
  sequenceNumber: string | null;
  ended: boolean;
  window?: OpenWindow;
}

interface OpenWindow {
  /** Epoch seconds. */
  start: number;
  state: Record<string, unknown>;
}

interface PendingRecord {
  record: DynamoDBRecord;
  sequenceNumber: string;
  arrival: Date | undefined;
}

interface ShardState {
  id: string;
  parentId: string | undefined;
  /** Last sequence number fully handled; the checkpoint. */
  checkpoint: string | null;
  /** The shard is closed and every record in it has been handled. */
  ended: boolean;
  iterator: string | null;
  /** GetRecords returned no next iterator: a closed shard read to its end. */
  exhausted: boolean;
  /** Last sequence number read into the buffer, where a new iterator starts. */
  lastRead: string | null;
  buffer: PendingRecord[];
  bufferSince: number;
  /** The tumbling window records are being aggregated in, with the state the handler returned last. */
  window: OpenWindow | null;
}

type Outcome = { kind: 'success' } | { kind: 'partial'; index: number } | { kind: 'error'; error: unknown };

class StreamResetNeeded extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'StreamResetNeeded';
  }
}

export class StreamPollerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StreamPollerError';
  }
}

const LOCAL_FUNCTION_ARN = 'arn:aws:lambda:local:000000000000:function:upshot-local-stream-poller';
const MAX_GET_RECORDS_LIMIT = 1000;
const MAX_WINDOW_STATE_BYTES = 1024 * 1024;

export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const batchSize = options.batchSize ?? 100;
  const windowMs = options.maximumBatchingWindowMs ?? 200;
  const bisect = options.bisectBatchOnFunctionError ?? true;
  const windowSeconds = options.tumblingWindowInSeconds ?? 0;
  const maxRetries = options.maximumRetryAttempts ?? 10;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const retryBaseDelayMs = options.retryBaseDelayMs ?? 100;
  const retryMaxDelayMs = options.retryMaxDelayMs ?? 5_000;
  /** Doubling from retryBaseDelayMs, at most retryMaxDelayMs, for the n-th failure in a row. */
  const backoffMs = (failures: number) => Math.min(retryMaxDelayMs, retryBaseDelayMs * 2 ** (failures - 1));
  const log = options.log ?? (() => {});
  const warn = options.warn ?? options.log ?? ((line: string) => console.warn(`[stream-poller] ${line}`));
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new StreamPollerError(`batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(windowSeconds) || windowSeconds < 0 || windowSeconds > 900) {
    throw new StreamPollerError(`tumblingWindowInSeconds must be an integer from 0 to 900, got ${windowSeconds}`);
  }

  const streams = new DynamoDBStreamsClient(options.clientConfig);
  const tables = new DynamoDBClient(options.clientConfig);
  let region = '';

  let streamArn = '';
  let shards = new Map<string, ShardState>();
  let stopping = false;
  let lastError: unknown = null;
  let failingBatch: { shardId: string; size: number; failures: number; error: unknown } | null = null;
  let cycle = 0;
  const drainWaiters = new Set<{ fromCycle: number; resolve: () => void; reject: (error: Error) => void }>();

  let pendingSleep: { finish: () => void; wakeOnDrain: boolean } | null = null;
  const sleep = (ms: number, wakeOnDrain: boolean): Promise<void> =>
    new Promise((resolvePromise) => {
      if (stopping) return resolvePromise();
      const finish = (): void => {
        clearTimeout(timer);
        pendingSleep = null;
        resolvePromise();
      };
      const timer = setTimeout(finish, ms);
      pendingSleep = { finish, wakeOnDrain };
    });
  const wake = (reason: 'drain' | 'stop'): void => {
    if (pendingSleep !== null && (reason === 'stop' || pendingSleep.wakeOnDrain)) pendingSleep.finish();
  };

  async function latestStreamArn(): Promise<string> {
    const { Table: table } = await tables.send(new DescribeTableCommand({ TableName: options.tableName }));
    const arn = table?.LatestStreamArn;
    if (arn === undefined || table?.StreamSpecification?.StreamEnabled !== true) {
      throw new StreamPollerError(`Table ${options.tableName} has no enabled stream; create it with StreamViewType NEW_AND_OLD_IMAGES`);
    }
    return arn;
  }

  async function describeShards(arn: string): Promise<Shard[]> {
    const found: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription: description } = await streams.send(
        new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: exclusiveStartShardId }),
      );
      found.push(...(description?.Shards ?? []));
      exclusiveStartShardId = description?.LastEvaluatedShardId;
    } while (exclusiveStartShardId !== undefined);
    return found;
  }

  function newShardState(shard: Shard, saved?: SavedShard): ShardState {
    return {
      id: shard.ShardId ?? '',
      parentId: shard.ParentShardId,
      checkpoint: saved?.sequenceNumber ?? null,
      ended: saved?.ended ?? false,
      iterator: null,
      exhausted: false,
      lastRead: null,
      buffer: [],
      bufferSince: 0,
      window: windowSeconds > 0 ? (saved?.window ?? null) : null,
    };
  }

  async function loadCheckpoint(): Promise<CheckpointDocument | 'missing' | 'unreadable'> {
    if (options.checkpointFile === undefined) return 'missing';
    let text: string;
    try {
      text = await readFile(options.checkpointFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
      throw error;
    }
    try {
      const document = JSON.parse(text) as CheckpointDocument;
      if (document.version !== 1 || typeof document.streamArn !== 'string' || typeof document.shards !== 'object' || document.shards === null) return 'unreadable';
      return document;
    } catch {
      return 'unreadable';
    }
  }

  async function saveCheckpoint(): Promise<void> {
    if (options.checkpointFile === undefined) return;
    const document: CheckpointDocument = {
      version: 1,
      tableName: options.tableName,
      streamArn,
      shards: {},
      updatedAt: new Date().toISOString(),
    };
    for (const shard of shards.values()) {
      if (shard.checkpoint === null && !shard.ended && shard.window === null) continue;
      document.shards[shard.id] = { sequenceNumber: shard.checkpoint, ended: shard.ended, ...(shard.window === null ? {} : { window: shard.window }) };
    }
    await mkdir(dirname(options.checkpointFile), { recursive: true });
    const temporary = `${options.checkpointFile}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(document, null, 2)}\n`);
    await rename(temporary, options.checkpointFile);
  }

  /** Builds the shard map from the stream and a saved checkpoint; throws StreamResetNeeded when they disagree. */
  async function initialize(): Promise<void> {
    streamArn = await latestStreamArn();
    const saved = await loadCheckpoint();
    if (saved === 'unreadable') throw new StreamResetNeeded(`checkpoint file ${options.checkpointFile} is unreadable`);
    if (saved !== 'missing' && saved.streamArn !== streamArn) {
      throw new StreamResetNeeded(`the table's stream is now ${streamArn}, the checkpoint is for ${saved.streamArn} (table recreated or database replaced)`);
    }
    const described = await describeShards(streamArn);
    const savedShards = saved === 'missing' ? {} : saved.shards;
    shards = new Map(described.map((shard) => [shard.ShardId ?? '', newShardState(shard, savedShards[shard.ShardId ?? ''])]));
    for (const [id, entry] of Object.entries(savedShards)) {
      if (!shards.has(id) && !entry.ended) throw new StreamResetNeeded(`checkpointed shard ${id} is no longer in the stream`);
    }
    log(`stream-poller: ${options.tableName} stream ${streamArn}, ${shards.size} shard(s), ${saved === 'missing' ? 'no checkpoint, starting at TRIM_HORIZON' : 'resuming from checkpoint'}`);
  }

  async function refreshTopology(): Promise<void> {
    const arn = await latestStreamArn();
    if (arn !== streamArn) throw new StreamResetNeeded(`the table's stream changed from ${streamArn} to ${arn}`);
    const described = await describeShards(arn);
    const ids = new Set(described.map((shard) => shard.ShardId ?? ''));
    for (const shard of described) {
      if (!shards.has(shard.ShardId ?? '')) shards.set(shard.ShardId ?? '', newShardState(shard));
    }
    for (const [id, shard] of shards) {
      if (ids.has(id)) continue;
      if (!shard.ended) throw new StreamResetNeeded(`shard ${id} left the stream before it was read to its end`);
      shards.delete(id);
    }
  }

  /** Reads a shard from TRIM_HORIZON to its current end and returns the last sequence number and whether the shard is closed and done. */
  async function findEnd(arn: string, shardId: string): Promise<{ sequenceNumber: string | null; ended: boolean }> {
    let iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' })))
      .ShardIterator;
    let sequenceNumber: string | null = null;
    while (iterator !== undefined) {
      const response = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: MAX_GET_RECORDS_LIMIT }));
      const records = response.Records ?? [];
      const last = records.at(-1)?.dynamodb?.SequenceNumber;
      if (last !== undefined) sequenceNumber = last;
      iterator = response.NextShardIterator;
      if (records.length === 0 && iterator !== undefined) return { sequenceNumber, ended: false };
    }
    return { sequenceNumber, ended: true };
  }

  async function resetStream(reason: string): Promise<void> {
    warn(`stream-poller: stream reset (${reason})`);
    const arn = await latestStreamArn();
    const described = await describeShards(arn);
    const next = new Map<string, ShardState>();
    if (options.onStreamReset !== undefined) {
      for (const shard of described) next.set(shard.ShardId ?? '', newShardState(shard, await findEnd(arn, shard.ShardId ?? '')));
      log('stream-poller: calling onStreamReset; delivery resumes after the current end of the stream');
      await options.onStreamReset();
    } else {
      warn('stream-poller: no onStreamReset given; starting again at TRIM_HORIZON, records may have been lost or may be delivered twice');
      for (const shard of described) next.set(shard.ShardId ?? '', newShardState(shard));
    }
    streamArn = arn;
    shards = next;
    await saveCheckpoint();
  }

  async function acquireIterator(shard: ShardState): Promise<string | null> {
    const position = shard.lastRead ?? shard.checkpoint;
    try {
      const response = await streams.send(
        new GetShardIteratorCommand(
          position === null
            ? { StreamArn: streamArn, ShardId: shard.id, ShardIteratorType: 'TRIM_HORIZON' }
            : { StreamArn: streamArn, ShardId: shard.id, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: position },
        ),
      );
      return response.ShardIterator ?? null;
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TrimmedDataAccessException') throw new StreamResetNeeded(`records after ${position} in shard ${shard.id} were trimmed`, { cause: error });
      if (name === 'ResourceNotFoundException') throw new StreamResetNeeded(`shard ${shard.id} no longer exists`, { cause: error });
      throw error;
    }
  }

  /** Reads records into the shard's buffer until a batch is full, the batching window has passed, or the shard is caught up. */
  async function fillBuffer(shard: ShardState): Promise<void> {
    for (;;) {
      if (shard.exhausted || stopping) return;
      if (shard.iterator === null) {
        shard.iterator = await acquireIterator(shard);
        if (shard.iterator === null) {
          shard.exhausted = true;
          return;
        }
      }
      let response;
      try {
        const limit = Math.max(1, Math.min(MAX_GET_RECORDS_LIMIT, batchSize - shard.buffer.length));
        response = await streams.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: limit }));
      } catch (error) {
        const name = (error as Error).name;
        if (name === 'ExpiredIteratorException') {
          shard.iterator = null;
          continue;
        }
        if (name === 'TrimmedDataAccessException') throw new StreamResetNeeded(`records in shard ${shard.id} were trimmed before they were read`, { cause: error });
        if (name === 'ResourceNotFoundException') throw new StreamResetNeeded(`shard ${shard.id} no longer exists`, { cause: error });
        throw error;
      }
      const records = response.Records ?? [];
      for (const record of records) {
        const converted = toLambdaRecord(record, streamArn, region);
        const sequenceNumber = converted.dynamodb?.SequenceNumber;
        if (sequenceNumber === undefined) continue;
        if (shard.buffer.length === 0) shard.bufferSince = Date.now();
        shard.buffer.push({ record: converted, sequenceNumber, arrival: record.dynamodb?.ApproximateCreationDateTime });
        shard.lastRead = sequenceNumber;
      }
      shard.iterator = response.NextShardIterator ?? null;
      if (shard.iterator === null) shard.exhausted = true;
      if (shard.buffer.length === 0 || shard.buffer.length >= batchSize || shard.exhausted) return;
      const remaining = shard.bufferSince + windowMs - Date.now();
      if (remaining <= 0) return;
      if (records.length === 0) await sleep(Math.min(remaining, 50), false);
    }
  }

  function windowEvent(shard: ShardState, window: OpenWindow, records: PendingRecord[], final: boolean, early: boolean): DynamoDBStreamTumblingWindowEvent {
    return {
      Records: records.map((pending) => structuredClone(pending.record)),
      window: { start: windowTime(window.start), end: windowTime(window.start + windowSeconds) },
      state: structuredClone(window.state),
      shardId: shard.id,
      eventSourceARN: streamArn,
      isFinalInvokeForWindow: final,
      isWindowTerminatedEarly: early,
    };
  }

  async function invoke(shard: ShardState, records: PendingRecord[]): Promise<Outcome> {
    const window = shard.window;
    const event = window === null ? { Records: records.map((pending) => structuredClone(pending.record)) } : windowEvent(shard, window, records, false, false);
    let response: Partial<DynamoDBStreamStateResponse> | void;
    try {
      response = await options.handler(event);
    } catch (error) {
      return { kind: 'error', error };
    }
    if (window !== null) {
      const state = response?.state;
      if (!isPlainObject(state)) return { kind: 'error', error: new StreamPollerError('with a tumbling window the handler must return { state } (Lambda counts the invocation as failed otherwise)') };
      // Kept for a partial response too: it covers the records before the failed one, which are checkpointed.
      window.state = state;
    }
    const failures = (response as Partial<DynamoDBBatchResponse> | undefined | null)?.batchItemFailures;
    if (!Array.isArray(failures) || failures.length === 0) return { kind: 'success' };
    let lowest = Number.POSITIVE_INFINITY;
    for (const failure of failures) {
      const identifier = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      const index = records.findIndex((pending) => pending.sequenceNumber === identifier);
      if (index < 0) {
        return { kind: 'error', error: new StreamPollerError(`batchItemFailures names ${JSON.stringify(identifier)}, which is not a sequence number in the batch`) };
      }
      lowest = Math.min(lowest, index);
    }
    return { kind: 'partial', index: lowest };
  }

  async function commit(shard: ShardState, sequenceNumber: string): Promise<void> {
    shard.checkpoint = sequenceNumber;
    await saveCheckpoint();
  }

  async function discard(shard: ShardState, records: PendingRecord[], invokeCount: number, error: unknown): Promise<void> {
    const first = records[0];
    const last = records.at(-1);
    if (first === undefined || last === undefined) return;
    const failure: StreamFailureRecord = {
      requestContext: { requestId: randomUUID(), functionArn: LOCAL_FUNCTION_ARN, condition: 'RetryAttemptsExhausted', approximateInvokeCount: invokeCount },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId: shard.id,
        startSequenceNumber: first.sequenceNumber,
        endSequenceNumber: last.sequenceNumber,
        approximateArrivalOfFirstRecord: first.arrival?.toISOString() ?? null,
        approximateArrivalOfLastRecord: last.arrival?.toISOString() ?? null,
        batchSize: records.length,
        streamArn,
      },
      errorMessage: describeError(error),
    };
    warn(
      `stream-poller: retries exhausted, discarding ${records.length} record(s) ${first.sequenceNumber}..${last.sequenceNumber} of shard ${shard.id}: ${failure.errorMessage}`,
    );
    if (options.failureFile !== undefined) {
      await mkdir(dirname(options.failureFile), { recursive: true });
      await appendFile(options.failureFile, `${JSON.stringify(failure)}\n`);
    }
  }

  /** Hands one batch to the handler until every record is acknowledged or discarded; false when stopped first. */
  async function deliver(shard: ShardState, records: PendingRecord[]): Promise<boolean> {
    try {
      return await deliverTracked(shard, records);
    } finally {
      failingBatch = null;
    }
  }

  async function deliverTracked(shard: ShardState, records: PendingRecord[]): Promise<boolean> {
    const queue: Array<{ records: PendingRecord[]; retries: number; invocations: number }> = [{ records, retries: 0, invocations: 0 }];
    for (let job = queue[0]; job !== undefined; job = queue[0]) {
      job.invocations += 1;
      const outcome = await invoke(shard, job.records);
      if (outcome.kind === 'success') {
        queue.shift();
        await commit(shard, job.records.at(-1)?.sequenceNumber ?? '');
        continue;
      }
      if (outcome.kind === 'partial' && outcome.index > 0) {
        await commit(shard, job.records[outcome.index - 1]?.sequenceNumber ?? '');
        job.records = job.records.slice(outcome.index);
      }
      if (stopping) return false;
      const error = outcome.kind === 'error' ? outcome.error : `batchItemFailures from ${job.records[0]?.sequenceNumber}`;
      failingBatch = { shardId: shard.id, size: job.records.length, failures: (failingBatch?.failures ?? 0) + 1, error };
      if (outcome.kind === 'error' && bisect && job.records.length > 1) {
        const middle = Math.ceil(job.records.length / 2);
        warn(`stream-poller: handler failed (${describeError(error)}); splitting ${job.records.length} records into ${middle} + ${job.records.length - middle}`);
        queue.splice(0, 1, { records: job.records.slice(0, middle), retries: job.retries, invocations: 0 }, {
          records: job.records.slice(middle),
          retries: job.retries,
          invocations: 0,
        });
        await sleep(retryBaseDelayMs, false);
        continue;
      }
      job.retries += 1;
      if (maxRetries >= 0 && job.retries > maxRetries) {
        await discard(shard, job.records, job.invocations, error);
        queue.shift();
        await commit(shard, job.records.at(-1)?.sequenceNumber ?? '');
        continue;
      }
      const delay = backoffMs(job.retries);
      warn(`stream-poller: handler failed (${describeError(error)}); retry ${job.retries} of ${job.records.length} record(s) in ${delay} ms`);
      await sleep(delay, false);
      if (stopping) return false;
    }
    return true;
  }

  /** The tumbling window a record belongs to: by its creation time, never before the window already open. */
  function windowStartOf(shard: ShardState, pending: PendingRecord): number {
    const seconds = pending.record.dynamodb?.ApproximateCreationDateTime ?? Math.floor(Date.now() / 1000);
    return Math.max(Math.floor(seconds / windowSeconds) * windowSeconds, shard.window?.start ?? 0);
  }

  /** The final invocation of a window; like Lambda, it is retried until it succeeds. False when stopped first. */
  async function closeWindow(shard: ShardState, early: boolean): Promise<boolean> {
    const window = shard.window;
    if (window === null) return true;
    try {
      for (let failures = 0; ; ) {
        try {
          const response: Partial<DynamoDBStreamStateResponse> | void = await options.handler(windowEvent(shard, window, [], true, early));
          if (!isPlainObject(response?.state)) throw new StreamPollerError('with a tumbling window the handler must return { state }');
          break;
        } catch (error) {
          failures += 1;
          failingBatch = { shardId: shard.id, size: 0, failures, error };
          if (stopping) return false;
          const delay = backoffMs(failures);
          warn(`stream-poller: final invocation of window ${windowTime(window.start)} failed (${describeError(error)}); retrying in ${delay} ms`);
          await sleep(delay, false);
          if (stopping) return false;
        }
      }
    } finally {
      failingBatch = null;
    }
    shard.window = early ? { start: window.start, state: {} } : null;
    await saveCheckpoint();
    return true;
  }

  /** One read and at most one invocation for a shard; true when it did any work. */
  async function pumpShard(shard: ShardState): Promise<boolean> {
    if (shard.ended) return false;
    if (shard.buffer.length < batchSize) await fillBuffer(shard);
    if (stopping) return false;
    const next = shard.buffer[0];
    if (shard.window !== null) {
      const windowOver =
        next === undefined
          ? shard.exhausted || Date.now() / 1000 >= shard.window.start + windowSeconds
          : windowStartOf(shard, next) > shard.window.start;
      if (windowOver) {
        await closeWindow(shard, false);
        return true;
      }
    }
    if (next === undefined) {
      if (!shard.exhausted) return false;
      shard.ended = true;
      log(`stream-poller: shard ${shard.id} read to its end`);
      await saveCheckpoint();
      return true;
    }
    let size = Math.min(batchSize, shard.buffer.length);
    if (windowSeconds > 0) {
      const start = windowStartOf(shard, next);
      shard.window ??= { start, state: {} };
      size = shard.buffer.slice(0, size).findIndex((pending) => windowStartOf(shard, pending) !== start);
      if (size < 0) size = Math.min(batchSize, shard.buffer.length);
    }
    const batch = shard.buffer.splice(0, size);
    if (await deliver(shard, batch)) {
      const window = shard.window;
      if (window !== null && JSON.stringify(window.state).length > MAX_WINDOW_STATE_BYTES) await closeWindow(shard, true);
    }
    return true;
  }

  function readyShards(): ShardState[] {
    return [...shards.values()].filter((shard) => {
      if (shard.ended) return false;
      if (shard.parentId === undefined) return true;
      const parent = shards.get(shard.parentId);
      return parent === undefined || parent.ended;
    });
  }

  function settleDrains(idleCycle: number): void {
    for (const waiter of drainWaiters) {
      if (idleCycle >= waiter.fromCycle) {
        drainWaiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  let consecutiveErrors = 0;
  async function runCycle(): Promise<void> {
    cycle += 1;
    const current = cycle;
    let idle = true;
    try {
      await refreshTopology();
      for (const shard of readyShards()) {
        if (stopping) return;
        if (await pumpShard(shard)) idle = false;
      }
      consecutiveErrors = 0;
      lastError = null;
    } catch (error) {
      if (stopping) return;
      idle = false;
      lastError = error;
      if (error instanceof StreamResetNeeded) {
        try {
          await resetStream(error.message);
          return;
        } catch (resetError) {
          lastError = resetError;
        }
      }
      consecutiveErrors += 1;
      const delay = backoffMs(consecutiveErrors);
      warn(`stream-poller: ${describeError(lastError)}; polling again in ${delay} ms`);
      await sleep(delay, false);
      return;
    }
    if (idle) {
      settleDrains(current);
      // A drain() that arrived during this cycle needs one more full cycle, not a pause.
      if (!stopping && drainWaiters.size === 0) await sleep(pollIntervalMs, true);
    }
  }

  try {
    region = await streams.config.region();
    try {
      await initialize();
    } catch (error) {
      if (!(error instanceof StreamResetNeeded)) throw error;
      await resetStream(error.message);
    }
  } catch (error) {
    streams.destroy();
    tables.destroy();
    throw error;
  }

  const loop = (async () => {
    while (!stopping) await runCycle();
  })();

  return {
    async stop() {
      stopping = true;
      wake('stop');
      await loop;
      for (const waiter of drainWaiters) waiter.reject(new StreamPollerError('stream poller stopped before the stream was drained'));
      drainWaiters.clear();
      streams.destroy();
      tables.destroy();
      log('stream-poller: stopped');
    },
    drain(timeoutMs = 30_000) {
      if (stopping) return Promise.reject(new StreamPollerError('stream poller is stopped'));
      return new Promise<void>((resolvePromise, reject) => {
        const waiter = {
          fromCycle: cycle + 1,
          resolve: () => {
            clearTimeout(timer);
            resolvePromise();
          },
          reject: (error: Error) => {
            clearTimeout(timer);
            reject(error);
          },
        };
        const timer = setTimeout(() => {
          drainWaiters.delete(waiter);
          const pending = [...shards.values()].reduce((sum, shard) => sum + shard.buffer.length, 0);
          const failing =
            failingBatch === null
              ? ''
              : `; the handler has failed ${failingBatch.failures} time(s) on ${failingBatch.size} record(s) of shard ${failingBatch.shardId}, last with ${describeError(failingBatch.error)}`;
          const detail = `${failing}${lastError === null ? '' : `; last poll error: ${describeError(lastError)}`}`;
          reject(new StreamPollerError(`stream not drained within ${timeoutMs} ms (${pending} record(s) read but not yet delivered${detail})`));
        }, timeoutMs);
        drainWaiters.add(waiter);
        wake('drain');
      });
    },
  };
}

/** Converts a record from the Streams API into the form Lambda passes to a handler. */
export function toLambdaRecord(record: _Record, streamArn: string, region: string): DynamoDBRecord {
  const source = record.dynamodb;
  const dynamodb: NonNullable<DynamoDBRecord['dynamodb']> = {};
  if (source?.ApproximateCreationDateTime !== undefined) {
    dynamodb.ApproximateCreationDateTime = Math.floor(source.ApproximateCreationDateTime.getTime() / 1000);
  }
  if (source?.Keys !== undefined) dynamodb.Keys = toLambdaImage(source.Keys);
  if (source?.NewImage !== undefined) dynamodb.NewImage = toLambdaImage(source.NewImage);
  if (source?.OldImage !== undefined) dynamodb.OldImage = toLambdaImage(source.OldImage);
  if (source?.SequenceNumber !== undefined) dynamodb.SequenceNumber = source.SequenceNumber;
  if (source?.SizeBytes !== undefined) dynamodb.SizeBytes = source.SizeBytes;
  if (source?.StreamViewType !== undefined) dynamodb.StreamViewType = source.StreamViewType;
  const converted: DynamoDBRecord = {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? region,
    dynamodb,
    eventSourceARN: streamArn,
  };
  if (record.userIdentity !== undefined) converted.userIdentity = { ...record.userIdentity };
  return converted;
}

function toLambdaImage(image: Record<string, StreamsAttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaAttribute(value)]));
}

function toLambdaAttribute(value: StreamsAttributeValue): AttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map((item) => Buffer.from(item).toString('base64')) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaAttribute) };
  // DynamoDB Local writes an empty map as `{}` in stream records (where DynamoDB sends `{"M":{}}`);
  // no other type can come out empty, so `{}` is read as the empty map Lambda would deliver.
  if (Object.keys(value).length === 0) return { M: {} };
  throw new StreamPollerError(`Unknown attribute value type: ${JSON.stringify(value)}`);
}

function windowTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

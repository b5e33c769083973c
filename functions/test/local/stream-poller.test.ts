import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
  waitUntilTableNotExists,
  type AttributeValue as ItemValue,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  startStreamPoller,
  toLambdaRecord,
  type DynamoDBStreamTumblingWindowEvent,
  type StreamPoller,
  type StreamPollerOptions,
} from '../../src/local/stream-poller.ts';
import { createTable, createTestTable, testClientConfig } from '../support/dynamodb.ts';

let client: DynamoDBClient;
let tableName: string;
let workDir: string;
const pollers: StreamPoller[] = [];

beforeAll(() => {
  client = new DynamoDBClient(testClientConfig());
});

afterAll(() => {
  client.destroy();
});

beforeEach(async () => {
  tableName = await createTestTable('stream-poller');
  workDir = await mkdtemp(join(tmpdir(), 'upshot-stream-poller-'));
});

afterEach(async () => {
  await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
  await rm(workDir, { recursive: true, force: true });
});

async function put(pk: string, extra: Record<string, ItemValue> = {}): Promise<void> {
  await client.send(new PutItemCommand({ TableName: tableName, Item: { pk: { S: pk }, sk: { S: 'state' }, ...extra } }));
}

async function putMany(prefix: string, count: number): Promise<string[]> {
  const keys = Array.from({ length: count }, (_, index) => `${prefix}${index}`);
  for (const key of keys) await put(key);
  return keys;
}

async function streamArnOf(name: string): Promise<string> {
  return (await client.send(new DescribeTableCommand({ TableName: name }))).Table?.LatestStreamArn ?? '';
}

/** Remembers every invocation as the list of partition keys it carried. */
function recorder() {
  const invocations: DynamoDBRecord[][] = [];
  return {
    invocations,
    keys: () => invocations.map((records) => records.map((record) => record.dynamodb?.Keys?.pk?.S)),
    all: () => invocations.flat().map((record) => record.dynamodb?.Keys?.pk?.S),
    remember: (event: DynamoDBStreamEvent) => {
      invocations.push(event.Records);
    },
  };
}

async function start(options: Partial<StreamPollerOptions> & Pick<StreamPollerOptions, 'handler'>): Promise<StreamPoller> {
  const poller = await startStreamPoller({
    clientConfig: testClientConfig(),
    tableName,
    pollIntervalMs: 20,
    maximumBatchingWindowMs: 0,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 20,
    log: () => {},
    ...options,
  });
  pollers.push(poller);
  return poller;
}

async function stopPoller(poller: StreamPoller): Promise<void> {
  pollers.splice(pollers.indexOf(poller), 1);
  await poller.stop();
}

describe('startStreamPoller', () => {
  it("delivers records in order in the shape of Lambda's DynamoDB stream event", async () => {
    await put('a', { count: { N: '1' }, blob: { B: new Uint8Array([1, 2, 3]) }, empty: { M: {} }, nested: { L: [{ M: {} }, { L: [] }] } });
    await client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: { pk: { S: 'a' }, sk: { S: 'state' } },
        UpdateExpression: 'SET #count = :two',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':two': { N: '2' } },
      }),
    );
    await client.send(new DeleteItemCommand({ TableName: tableName, Key: { pk: { S: 'a' }, sk: { S: 'state' } } }));
    const seen = recorder();
    const poller = await start({ handler: async (event) => seen.remember(event) });
    await poller.drain();

    const records = seen.invocations.flat();
    const streamArn = await streamArnOf(tableName);
    const keys = { pk: { S: 'a' }, sk: { S: 'state' } };
    const unchanged = { blob: { B: 'AQID' }, empty: { M: {} }, nested: { L: [{ M: {} }, { L: [] }] } };
    const before = { ...keys, count: { N: '1' }, ...unchanged };
    const after = { ...keys, count: { N: '2' }, ...unchanged };
    const common = { eventID: expect.any(String), eventVersion: '1.1', eventSource: 'aws:dynamodb', awsRegion: expect.any(String), eventSourceARN: streamArn };
    const streamPart = { ApproximateCreationDateTime: expect.any(Number), Keys: keys, SequenceNumber: expect.any(String), SizeBytes: expect.any(Number), StreamViewType: 'NEW_AND_OLD_IMAGES' };
    expect(records).toEqual([
      { ...common, eventName: 'INSERT', dynamodb: { ...streamPart, NewImage: before } },
      { ...common, eventName: 'MODIFY', dynamodb: { ...streamPart, NewImage: after, OldImage: before } },
      { ...common, eventName: 'REMOVE', dynamodb: { ...streamPart, OldImage: after } },
    ]);
    const sequenceNumbers = records.map((record) => BigInt(record.dynamodb?.SequenceNumber ?? '0'));
    expect([...sequenceNumbers].sort((x, y) => (x < y ? -1 : 1))).toEqual(sequenceNumbers);
    const createdAt = records[0]?.dynamodb?.ApproximateCreationDateTime ?? 0;
    expect(Number.isInteger(createdAt)).toBe(true);
    expect(Math.abs(createdAt - Date.now() / 1000)).toBeLessThan(120);
  });

  it('hands a batch that threw back to the handler and never redelivers acknowledged records', async () => {
    const written = await putMany('r', 5);
    const seen = recorder();
    let calls = 0;
    const poller = await start({
      bisectBatchOnFunctionError: false,
      handler: async (event) => {
        seen.remember(event);
        calls += 1;
        if (calls === 1) throw new Error('first delivery fails');
      },
    });
    await poller.drain();
    const later = await putMany('s', 3);
    await poller.drain();

    expect(seen.keys().slice(0, 2)).toEqual([written, written]);
    expect(seen.keys().slice(2).flat()).toEqual(later);
  });

  it('resumes from the lowest failed record of a partial batch response', async () => {
    const written = await putMany('p', 5);
    const seen = recorder();
    const poller = await start({
      handler: async (event): Promise<DynamoDBBatchResponse | void> => {
        seen.remember(event);
        if (seen.invocations.length > 1) return;
        const failed = [event.Records[3], event.Records[2]].map((record) => ({ itemIdentifier: record?.dynamodb?.SequenceNumber ?? '' }));
        return { batchItemFailures: failed };
      },
    });
    await poller.drain();

    expect(seen.keys()).toEqual([written, ['p2', 'p3', 'p4']]);
  });

  it('splits a failing batch in two until the poison record is alone, then sends it to the failure file', async () => {
    const failureFile = join(workDir, 'failures.jsonl');
    await putMany('k', 5);
    await put('poison');
    await putMany('m', 2);
    const seen = recorder();
    const poller = await start({
      batchSize: 8,
      maximumRetryAttempts: 1,
      failureFile,
      handler: async (event) => {
        seen.remember(event);
        if (event.Records.some((record) => record.dynamodb?.Keys?.pk?.S === 'poison')) throw new Error('cannot handle poison');
      },
    });
    await poller.drain();

    expect(seen.keys()).toEqual([
      ['k0', 'k1', 'k2', 'k3', 'k4', 'poison', 'm0', 'm1'],
      ['k0', 'k1', 'k2', 'k3'],
      ['k4', 'poison', 'm0', 'm1'],
      ['k4', 'poison'],
      ['k4'],
      ['poison'],
      ['poison'],
      ['m0', 'm1'],
    ]);
    const poisonSequence = seen.invocations[5]?.[0]?.dynamodb?.SequenceNumber;
    const lines = (await readFile(failureFile, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 2 },
      version: '1.0',
      DDBStreamBatchInfo: {
        startSequenceNumber: poisonSequence,
        endSequenceNumber: poisonSequence,
        batchSize: 1,
        streamArn: await streamArnOf(tableName),
      },
      errorMessage: 'Error: cannot handle poison',
    });
  });

  it('resumes after the checkpoint when restarted with the same checkpoint file', async () => {
    const checkpointFile = join(workDir, 'checkpoint.json');
    const first = await putMany('x', 3);
    const seenBefore = recorder();
    const before = await start({ checkpointFile, handler: async (event) => seenBefore.remember(event) });
    await before.drain();
    await stopPoller(before);

    const saved = JSON.parse(await readFile(checkpointFile, 'utf8')) as { streamArn: string; shards: Record<string, { sequenceNumber: string }> };
    expect(saved.streamArn).toBe(await streamArnOf(tableName));
    expect(Object.values(saved.shards).map((shard) => shard.sequenceNumber)).toEqual([seenBefore.invocations.flat().at(-1)?.dynamodb?.SequenceNumber]);

    const second = await putMany('y', 2);
    const seenAfter = recorder();
    const after = await start({ checkpointFile, handler: async (event) => seenAfter.remember(event) });
    await after.drain();

    expect(seenBefore.all()).toEqual(first);
    expect(seenAfter.all()).toEqual(second);
  });

  it('delivers a batch again after a restart when it was stopped while the batch kept failing', async () => {
    const checkpointFile = join(workDir, 'checkpoint.json');
    const written = await putMany('f', 2);
    let failures = 0;
    const failing = await start({
      checkpointFile,
      maximumRetryAttempts: -1,
      handler: async () => {
        failures += 1;
        throw new Error('still failing');
      },
    });
    await expect.poll(() => failures).toBeGreaterThan(3);
    await stopPoller(failing);

    const seen = recorder();
    const restarted = await start({ checkpointFile, handler: async (event) => seen.remember(event) });
    await restarted.drain();

    expect(seen.all()).toEqual(written);
  });

  it('lets the batch in flight finish when stopped and checkpoints it', async () => {
    const checkpointFile = join(workDir, 'checkpoint.json');
    await putMany('w', 2);
    let entered!: () => void;
    const handlerEntered = new Promise<void>((resolvePromise) => {
      entered = resolvePromise;
    });
    let finished = false;
    const poller = await start({
      checkpointFile,
      handler: async () => {
        entered();
        await new Promise((resolvePromise) => setTimeout(resolvePromise, 200));
        finished = true;
      },
    });
    await handlerEntered;
    await stopPoller(poller);

    expect(finished).toBe(true);
    const saved = JSON.parse(await readFile(checkpointFile, 'utf8')) as { shards: Record<string, { sequenceNumber: string }> };
    expect(Object.keys(saved.shards)).toHaveLength(1);
  });

  it('waits in drain() for every record written before the call, waking an idle poller', async () => {
    const seen = recorder();
    const poller = await start({
      batchSize: 2,
      pollIntervalMs: 10_000,
      handler: async (event) => {
        await new Promise((resolvePromise) => setTimeout(resolvePromise, 20));
        seen.remember(event);
      },
    });
    await poller.drain();
    const written = await putMany('d', 7);
    const startedAt = Date.now();
    await poller.drain(5_000);

    expect(seen.all()).toEqual(written);
    expect(seen.keys().map((keys) => keys.length)).toEqual([2, 2, 2, 1]);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
  });

  it('gathers records for up to the batching window before invoking', async () => {
    const seen = recorder();
    const poller = await start({ maximumBatchingWindowMs: 400, handler: async (event) => seen.remember(event) });
    await poller.drain();
    await put('g0');
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 100));
    await put('g1');
    await poller.drain();

    expect(seen.keys()).toEqual([['g0', 'g1']]);
  });

  it('rejects drain() when the stream is not drained in time', async () => {
    await putMany('t', 1);
    const poller = await start({
      maximumRetryAttempts: -1,
      handler: async () => {
        throw new Error('never succeeds');
      },
    });

    await expect(poller.drain(300)).rejects.toThrow(/not drained within 300 ms.*the handler has failed \d+ time\(s\) on 1 record\(s\).*Error: never succeeds/);
  });

  it('calls onStreamReset and delivers only later records when the table was recreated under its checkpoint', async () => {
    const checkpointFile = join(workDir, 'checkpoint.json');
    await putMany('old', 2);
    const before = await start({ checkpointFile, handler: async () => {} });
    await before.drain();
    await stopPoller(before);

    await client.send(new DeleteTableCommand({ TableName: tableName }));
    await waitUntilTableNotExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: tableName });
    await createTable(tableName);
    await putMany('rebuilt', 2);
    let resets = 0;
    const seen = recorder();
    const after = await start({
      checkpointFile,
      onStreamReset: async () => {
        resets += 1;
      },
      handler: async (event) => seen.remember(event),
    });
    await after.drain();
    await put('fresh');
    await after.drain();

    expect(resets).toBe(1);
    expect(seen.all()).toEqual(['fresh']);
    const saved = JSON.parse(await readFile(checkpointFile, 'utf8')) as { streamArn: string };
    expect(saved.streamArn).toBe(await streamArnOf(tableName));
  });

  it('starts over at the beginning of the new stream when no onStreamReset is given', async () => {
    const checkpointFile = join(workDir, 'checkpoint.json');
    await put('old');
    const before = await start({ checkpointFile, handler: async () => {} });
    await before.drain();
    await stopPoller(before);

    await client.send(new DeleteTableCommand({ TableName: tableName }));
    await waitUntilTableNotExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: tableName });
    await createTable(tableName);
    const written = await putMany('new', 2);
    const seen = recorder();
    const after = await start({ checkpointFile, handler: async (event) => seen.remember(event) });
    await after.drain();

    expect(seen.all()).toEqual(written);
  });

  it("sends Lambda's tumbling-window fields and carries the returned state across invocations and restarts", async () => {
    const checkpointFile = join(workDir, 'checkpoint.json');
    await putMany('w', 5);
    const events: DynamoDBStreamTumblingWindowEvent[] = [];
    const handler = async (event: DynamoDBStreamEvent) => {
      const windowed = event as DynamoDBStreamTumblingWindowEvent;
      events.push(structuredClone(windowed));
      return { state: { count: Number(windowed.state['count'] ?? 0) + windowed.Records.length }, batchItemFailures: [] };
    };
    const first = await start({ checkpointFile, batchSize: 2, tumblingWindowInSeconds: 900, handler });
    await first.drain();
    await stopPoller(first);
    await put('later');
    const second = await start({ checkpointFile, batchSize: 2, tumblingWindowInSeconds: 900, handler });
    await second.drain();

    const streamArn = await streamArnOf(tableName);
    const created = events[0]?.Records[0]?.dynamodb?.ApproximateCreationDateTime ?? 0;
    const windowStart = Math.floor(created / 900) * 900;
    const window = {
      start: new Date(windowStart * 1000).toISOString().replace('.000Z', 'Z'),
      end: new Date((windowStart + 900) * 1000).toISOString().replace('.000Z', 'Z'),
    };
    expect(events.map(({ Records, ...rest }) => ({ ...rest, keys: Records.map((record) => record.dynamodb?.Keys?.pk?.S) }))).toEqual([
      { window, state: {}, shardId: expect.stringMatching(/^shardId-/), eventSourceARN: streamArn, isFinalInvokeForWindow: false, isWindowTerminatedEarly: false, keys: ['w0', 'w1'] },
      { window, state: { count: 2 }, shardId: events[0]?.shardId, eventSourceARN: streamArn, isFinalInvokeForWindow: false, isWindowTerminatedEarly: false, keys: ['w2', 'w3'] },
      { window, state: { count: 4 }, shardId: events[0]?.shardId, eventSourceARN: streamArn, isFinalInvokeForWindow: false, isWindowTerminatedEarly: false, keys: ['w4'] },
      { window, state: { count: 5 }, shardId: events[0]?.shardId, eventSourceARN: streamArn, isFinalInvokeForWindow: false, isWindowTerminatedEarly: false, keys: ['later'] },
    ]);
  });

  it('closes an ended tumbling window with a final invocation, retried until it succeeds', async () => {
    // DynamoDB Local rounds creation times down to the minute, so a one-second window has ended by the time it is read.
    await putMany('v', 2);
    const events: DynamoDBStreamTumblingWindowEvent[] = [];
    let finalFailures = 0;
    const poller = await start({
      tumblingWindowInSeconds: 1,
      handler: async (event) => {
        const windowed = event as DynamoDBStreamTumblingWindowEvent;
        events.push(structuredClone(windowed));
        if (windowed.isFinalInvokeForWindow && finalFailures++ === 0) throw new Error('final invocation fails once');
        return { state: { seen: windowed.Records.length } };
      },
    });
    await poller.drain();

    // Written in the first second of a minute, the records' window is still open when drain() returns
    // (it waits for records, not for windows to end): the final invocations follow within a poll or two.
    await expect
      .poll(() => events.map((event) => [event.Records.length, event.isFinalInvokeForWindow, event.state]), { timeout: 10_000 })
      .toEqual([
        [2, false, {}],
        [0, true, { seen: 2 }],
        [0, true, { seen: 2 }],
      ]);
    expect(events[1]?.window).toEqual(events[0]?.window);
  });

  it('treats a tumbling-window response without state as a failed invocation', async () => {
    const failureFile = join(workDir, 'failures.jsonl');
    await put('stateless');
    const poller = await start({ tumblingWindowInSeconds: 900, maximumRetryAttempts: 0, failureFile, handler: async () => ({ batchItemFailures: [] }) });
    await poller.drain();

    const line = JSON.parse((await readFile(failureFile, 'utf8')).trim()) as { errorMessage: string; DDBStreamBatchInfo: { batchSize: number } };
    expect(line.errorMessage).toMatch(/must return \{ state \}/);
    expect(line.DDBStreamBatchInfo.batchSize).toBe(1);
  });

  it('refuses to start on a table without a stream', async () => {
    const streamless = `${tableName}-streamless`;
    await client.send(
      new CreateTableCommand({
        TableName: streamless,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );

    await expect(start({ tableName: streamless, handler: async () => {} })).rejects.toThrow(/has no enabled stream/);
  });
});

describe('toLambdaRecord', () => {
  it('turns SDK dates and byte arrays into the numbers and base64 strings Lambda sends', () => {
    const record = toLambdaRecord(
      {
        eventID: 'e1',
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'ddblocal',
        dynamodb: {
          ApproximateCreationDateTime: new Date('2026-01-02T03:04:05.678Z'),
          Keys: { pk: { S: 'k' } },
          NewImage: {
            pk: { S: 'k' },
            n: { N: '1.5' },
            b: { B: new Uint8Array([255, 0]) },
            bs: { BS: [new Uint8Array([1]), new Uint8Array([2, 3])] },
            ss: { SS: ['x', 'y'] },
            ns: { NS: ['1', '2'] },
            flag: { BOOL: true },
            none: { NULL: true },
            list: { L: [{ S: 'a' }, { M: { deep: { B: new Uint8Array([104, 105]) } } }] },
          },
          SequenceNumber: '000000000000000000042',
          SizeBytes: 99,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
      },
      'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/x',
      'us-east-1',
    );

    expect(record).toEqual({
      eventID: 'e1',
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'ddblocal',
      dynamodb: {
        ApproximateCreationDateTime: 1767323045,
        Keys: { pk: { S: 'k' } },
        NewImage: {
          pk: { S: 'k' },
          n: { N: '1.5' },
          b: { B: '/wA=' },
          bs: { BS: ['AQ==', 'AgM='] },
          ss: { SS: ['x', 'y'] },
          ns: { NS: ['1', '2'] },
          flag: { BOOL: true },
          none: { NULL: true },
          list: { L: [{ S: 'a' }, { M: { deep: { B: 'aGk=' } } }] },
        },
        SequenceNumber: '000000000000000000042',
        SizeBytes: 99,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/x',
    });
  });
});

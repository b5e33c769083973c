import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkJava,
  javaInstallHint,
  localClientConfig,
  parseJavaMajorVersion,
  startDynamoDbLocal,
  type DynamoDbLocal,
} from '../../src/local/dynamodb-local.ts';

const TABLE = 'persisted';

async function readShard(streams: DynamoDBStreamsClient, streamArn: string, shardId: string, after?: string): Promise<_Record[]> {
  let iterator = (
    await streams.send(
      new GetShardIteratorCommand(
        after === undefined
          ? { StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }
          : { StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after },
      ),
    )
  ).ShardIterator;
  const records: _Record[] = [];
  while (iterator !== undefined) {
    const response = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
    records.push(...(response.Records ?? []));
    if ((response.Records ?? []).length === 0) break;
    iterator = response.NextShardIterator;
  }
  return records;
}

async function describeStream(endpoint: string): Promise<{ streamArn: string; shardIds: string[] }> {
  const tables = new DynamoDBClient(localClientConfig(endpoint));
  const streams = new DynamoDBStreamsClient(localClientConfig(endpoint));
  try {
    const streamArn = (await tables.send(new DescribeTableCommand({ TableName: TABLE }))).Table?.LatestStreamArn ?? '';
    const description = (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription;
    return { streamArn, shardIds: (description?.Shards ?? []).map((shard) => shard.ShardId ?? '') };
  } finally {
    tables.destroy();
    streams.destroy();
  }
}

describe('parseJavaMajorVersion', () => {
  it('reads the major version of modern and legacy version strings', () => {
    expect(parseJavaMajorVersion('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaMajorVersion('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajorVersion('java version "1.8.0_292"')).toBe(8);
    expect(parseJavaMajorVersion('command not found')).toBeNull();
  });
});

describe('checkJava', () => {
  it('names the install command when java cannot be run', async () => {
    await expect(checkJava('java-that-is-not-installed')).rejects.toThrow(javaInstallHint());
  });

  it('accepts the java on this machine', async () => {
    expect(await checkJava()).toBeGreaterThanOrEqual(17);
  });
});

describe('javaInstallHint', () => {
  it('gives the apt command on Linux and the brew command on macOS', () => {
    expect(javaInstallHint('linux')).toBe('sudo apt-get install -y openjdk-17-jre-headless');
    expect(javaInstallHint('darwin')).toBe('brew install openjdk@17');
  });
});

describe('localClientConfig', () => {
  it('uses fixed local credentials and region for an endpoint', () => {
    expect(localClientConfig('http://127.0.0.1:8000')).toEqual({
      endpoint: 'http://127.0.0.1:8000',
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 3,
    });
  });
});

describe('startDynamoDbLocal', () => {
  let dataDir: string;
  let running: DynamoDbLocal | null = null;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'upshot-dynamodb-local-'));
  });

  afterEach(async () => {
    await running?.stop();
    running = null;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps items and stream records across a restart on the same data directory', { timeout: 90_000 }, async () => {
    running = await startDynamoDbLocal({ dataDir });
    const firstEndpoint = running.endpoint;
    const first = new DynamoDBClient(localClientConfig(firstEndpoint));
    await first.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    for (const pk of ['a', 'b', 'c']) {
      await first.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: pk }, count: { N: '1' } } }));
    }
    first.destroy();
    const before = await describeStream(firstEndpoint);
    const beforeStreams = new DynamoDBStreamsClient(localClientConfig(firstEndpoint));
    const recordsBefore = await readShard(beforeStreams, before.streamArn, before.shardIds[0] ?? '');
    beforeStreams.destroy();
    await running.stop();

    running = await startDynamoDbLocal({ dataDir });
    const second = new DynamoDBClient(localClientConfig(running.endpoint));
    const item = await second.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'b' } } }));
    expect(item.Item).toEqual({ pk: { S: 'b' }, count: { N: '1' } });

    const after = await describeStream(running.endpoint);
    expect(after).toEqual(before);
    const streams = new DynamoDBStreamsClient(localClientConfig(running.endpoint));
    const recordsAfter = await readShard(streams, after.streamArn, after.shardIds[0] ?? '');
    expect(recordsAfter.map((record) => record.eventID)).toEqual(recordsBefore.map((record) => record.eventID));
    expect(recordsAfter.map((record) => record.dynamodb?.Keys?.pk?.S)).toEqual(['a', 'b', 'c']);

    await second.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'd' } } }));
    const lastBefore = recordsBefore.at(-1)?.dynamodb?.SequenceNumber;
    const resumed = await readShard(streams, after.streamArn, after.shardIds[0] ?? '', lastBefore);
    expect(resumed.map((record) => record.dynamodb?.Keys?.pk?.S)).toEqual(['d']);
    second.destroy();
    streams.destroy();
  });

  it('stops the java process so the port no longer answers', { timeout: 60_000 }, async () => {
    const local = await startDynamoDbLocal({});
    const client = new DynamoDBClient({ ...localClientConfig(local.endpoint), maxAttempts: 1 });
    await expect(client.send(new ListTablesCommand({}))).resolves.toBeDefined();
    await local.stop();
    await expect(client.send(new ListTablesCommand({}))).rejects.toThrow();
    client.destroy();
  });
});

/**
 * The one DynamoDB adapter. Single table, on-demand, string keys `pk`/`sk`, TTL on `expiresAt`,
 * stream with new and old images.
 *
 * Key layout and access patterns:
 * - Experiment      pk=EXP                         sk=EXP#<key>   definition as JSON in `doc`, plus status and version.
 *   One partition so the list and `GET /v1/config` are one Query; definitions change rarely.
 * - Visitor state   pk=VIS#<exp>#<phase>#<visitor> sk=STATE        one item per visitor and phase, written with a
 *   version condition: every batch from one visitor is one conditional write, no hot key, and the
 *   event-id digests on it refuse duplicates. Its stream records feed the aggregator.
 * - Counters        pk=AGG#<exp>#<phase>           sk=<variant>#<day>#<shard>   flat counter attributes
 *   (see domain/counters.ts) plus `seq`, the last stream sequence number applied from that shard: the
 *   ADD and the watermark move in one conditional UpdateItem, so a retried batch never double counts.
 * - API keys        pk=APIKEY                      sk=<sha256 of key>   role, label; the key itself is never stored.
 * - SDK keys        pk=SDKKEY                      sk=<sha256 of key>   origins, label.
 *
 * `rebuildCounters` is the one Scan: a recovery path that recomputes every counter from the
 * visitor states when the stream cannot be resumed (DynamoDB Local loses its stream on restart).
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  ScanCommand,
  type BatchWriteCommandInput,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type NativeAttributeValue,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, addDeltas, contribution, type ApiKeyRecord, type CounterDelta, type Experiment, type SdkKeyRecord, type VisitorState } from '../domain/index.ts';
import { TTL_ATTRIBUTE } from './table-shape.ts';
import { visitorKeyString, type CounterRow, type CounterUpdate, type Store, type VisitorKey } from './store.ts';

const EXPERIMENT_PARTITION = 'EXP';
const API_KEY_PARTITION = 'APIKEY';
const SDK_KEY_PARTITION = 'SDKKEY';
const VISITOR_SORT_KEY = 'STATE';
/** Stream sequence numbers are decimal strings of varying length; padded, they compare as strings. */
const SEQUENCE_WIDTH = 48;

const visitorPk = (key: VisitorKey) => `VIS#${key.experiment}#${key.phase}#${key.visitor}`;
const counterPk = (experiment: string, phase: number) => `AGG#${experiment}#${phase}`;
const padSequence = (sequenceNumber: string) => sequenceNumber.padStart(SEQUENCE_WIDTH, '0');

/** Attributes of a counter item that are not counters. */
const COUNTER_ITEM_FIELDS = new Set(['pk', 'sk', 'variant', 'day', 'shard', 'seq']);

export interface DynamoDbStoreOptions {
  client: DynamoDBClient;
  tableName: string;
}

export class DynamoDbStore implements Store {
  readonly #documents: DynamoDBDocumentClient;
  readonly #table: string;

  constructor({ client, tableName }: DynamoDbStoreOptions) {
    this.#documents = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
      unmarshallOptions: { wrapNumbers: true },
    });
    this.#table = tableName;
  }

  async createExperiment(experiment: Experiment): Promise<void> {
    try {
      await this.#documents.send(
        new PutCommand({
          TableName: this.#table,
          Item: experimentItem({ ...experiment, version: 1 }),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ConflictError(`An experiment with key "${experiment.key}" already exists.`);
      throw error;
    }
  }

  async getExperiment(key: string): Promise<Experiment | null> {
    const { Item } = await this.#documents.send(
      new GetCommand({ TableName: this.#table, Key: { pk: EXPERIMENT_PARTITION, sk: `EXP#${key}` }, ConsistentRead: true }),
    );
    return Item ? parseExperiment(Item) : null;
  }

  async listExperiments(): Promise<Experiment[]> {
    const items = await this.#queryAll({ pk: EXPERIMENT_PARTITION });
    return items.map(parseExperiment);
  }

  async saveExperiment(experiment: Experiment): Promise<Experiment> {
    const saved = { ...experiment, version: experiment.version + 1 };
    try {
      await this.#documents.send(
        new PutCommand({
          TableName: this.#table,
          Item: experimentItem(saved),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': experiment.version },
        }),
      );
      return saved;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConflictError(`Experiment "${experiment.key}" was changed by someone else; reload it and try again.`);
      }
      throw error;
    }
  }

  async getVisitorStates(keys: VisitorKey[]): Promise<Map<string, VisitorState>> {
    const states = new Map<string, VisitorState>();
    let pending: Record<string, NativeAttributeValue>[] = [...new Map(keys.map((key) => [visitorKeyString(key), key])).values()].map(
      (key) => ({ pk: visitorPk(key), sk: VISITOR_SORT_KEY }),
    );
    for (let attempt = 0; pending.length > 0; attempt++) {
      const chunk = pending.slice(0, 100);
      pending = pending.slice(100);
      const { Responses, UnprocessedKeys } = await this.#documents.send(
        new BatchGetCommand({ RequestItems: { [this.#table]: { Keys: chunk, ConsistentRead: true } } }),
      );
      for (const item of Responses?.[this.#table] ?? []) {
        const state = parseVisitorState(item);
        states.set(visitorKeyString(state), state);
      }
      const unprocessed = UnprocessedKeys?.[this.#table]?.Keys ?? [];
      if (unprocessed.length > 0) {
        pending.push(...unprocessed);
        await backoff(attempt);
      }
    }
    return states;
  }

  async putVisitorState(state: VisitorState, expiresAt: number): Promise<boolean> {
    const isNew = state.version === 0;
    try {
      await this.#documents.send(
        new PutCommand({
          TableName: this.#table,
          Item: { pk: visitorPk(state), sk: VISITOR_SORT_KEY, ...state, version: state.version + 1, [TTL_ATTRIBUTE]: expiresAt },
          ConditionExpression: isNew ? 'attribute_not_exists(pk)' : 'version = :expected',
          ExpressionAttributeValues: isNew ? undefined : { ':expected': state.version },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async applyCounterUpdate(update: CounterUpdate): Promise<void> {
    const key = { pk: counterPk(update.experiment, update.phase), sk: `${update.variant}#${update.day}#${update.shard}` };
    let records = [...update.records].sort((a, b) => compareSequence(a.sequenceNumber, b.sequenceNumber));
    while (records.length > 0) {
      const first = padSequence(records[0]!.sequenceNumber);
      const last = padSequence(records[records.length - 1]!.sequenceNumber);
      const total: CounterDelta = {};
      for (const { delta } of records) addDeltas(total, delta);

      const names: Record<string, string> = { '#seq': 'seq', '#variant': 'variant', '#day': 'day' };
      const values: Record<string, NativeAttributeValue> = { ':first': first, ':last': last, ':variant': update.variant, ':day': update.day };
      const additions: string[] = [];
      Object.entries(total).forEach(([name, value], index) => {
        if (value === 0n) return;
        names[`#c${index}`] = name;
        values[`:c${index}`] = value;
        additions.push(`#c${index} :c${index}`);
      });
      try {
        await this.#documents.send(
          new UpdateCommand({
            TableName: this.#table,
            Key: key,
            UpdateExpression: `SET #seq = :last, #variant = :variant, #day = :day` + (additions.length ? ` ADD ${additions.join(', ')}` : ''),
            ConditionExpression: 'attribute_not_exists(#seq) OR #seq < :first',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // Part of this update was applied by an earlier delivery: apply only what lies past the watermark.
        const { Item } = await this.#documents.send(new GetCommand({ TableName: this.#table, Key: key, ConsistentRead: true }));
        const watermark = String(Item?.['seq'] ?? '');
        records = records.filter((record) => padSequence(record.sequenceNumber) > watermark);
      }
    }
  }

  async rebuildCounters(): Promise<{ visitors: number }> {
    const [visitors, counters] = await Promise.all([this.#scanPrefix('VIS#'), this.#scanPrefix('AGG#')]);
    await this.#batchWrite(counters.map((item) => ({ DeleteRequest: { Key: { pk: item['pk'], sk: item['sk'] } } })));
    const rebuilt = new Map<string, { item: Record<string, NativeAttributeValue>; counters: CounterDelta }>();
    for (const raw of visitors) {
      const state = parseVisitorState(raw);
      const pk = counterPk(state.experiment, state.phase);
      const sk = `${state.variant}#${state.day}#rebuild`;
      const entry = rebuilt.get(`${pk}|${sk}`) ?? { item: { pk, sk, variant: state.variant, day: state.day, seq: '0' }, counters: {} };
      addDeltas(entry.counters, contribution(state));
      rebuilt.set(`${pk}|${sk}`, entry);
    }
    await this.#batchWrite([...rebuilt.values()].map(({ item, counters: sums }) => ({ PutRequest: { Item: { ...item, ...sums } } })));
    return { visitors: visitors.length };
  }

  async readCounters(experiment: string, phase: number): Promise<CounterRow[]> {
    const items = await this.#queryAll({ pk: counterPk(experiment, phase) });
    const rows = new Map<string, CounterRow>();
    for (const item of items) {
      const variant = String(item['variant']);
      const day = String(item['day']);
      const rowKey = `${variant}#${day}`;
      const row = rows.get(rowKey) ?? { variant, day, counters: {} };
      for (const [name, value] of Object.entries(item)) {
        if (COUNTER_ITEM_FIELDS.has(name)) continue;
        row.counters[name] = (row.counters[name] ?? 0n) + BigInt(String(value));
      }
      rows.set(rowKey, row);
    }
    return [...rows.values()].sort((a, b) => a.day.localeCompare(b.day) || a.variant.localeCompare(b.variant));
  }

  async putApiKey(record: ApiKeyRecord): Promise<void> {
    await this.#putKey(API_KEY_PARTITION, record);
  }

  async getApiKey(hash: string): Promise<ApiKeyRecord | null> {
    return (await this.#getKey(API_KEY_PARTITION, hash)) as ApiKeyRecord | null;
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return (await this.#listKeys(API_KEY_PARTITION)) as unknown as ApiKeyRecord[];
  }

  async revokeApiKey(id: string, at: string): Promise<ApiKeyRecord | null> {
    return (await this.#revokeKey(API_KEY_PARTITION, id, at)) as ApiKeyRecord | null;
  }

  async putSdkKey(record: SdkKeyRecord): Promise<void> {
    await this.#putKey(SDK_KEY_PARTITION, record);
  }

  async getSdkKey(hash: string): Promise<SdkKeyRecord | null> {
    return (await this.#getKey(SDK_KEY_PARTITION, hash)) as SdkKeyRecord | null;
  }

  async listSdkKeys(): Promise<SdkKeyRecord[]> {
    return (await this.#listKeys(SDK_KEY_PARTITION)) as unknown as SdkKeyRecord[];
  }

  async revokeSdkKey(id: string, at: string): Promise<SdkKeyRecord | null> {
    return (await this.#revokeKey(SDK_KEY_PARTITION, id, at)) as SdkKeyRecord | null;
  }

  async #putKey(partition: string, record: { hash: string }): Promise<void> {
    await this.#documents.send(new PutCommand({ TableName: this.#table, Item: { pk: partition, sk: record.hash, ...record } }));
  }

  async #listKeys(partition: string): Promise<Record<string, unknown>[]> {
    return (await this.#queryAll({ pk: partition })).map(plainKeyRecord);
  }

  async #getKey(partition: string, hash: string): Promise<Record<string, unknown> | null> {
    const { Item } = await this.#documents.send(new GetCommand({ TableName: this.#table, Key: { pk: partition, sk: hash }, ConsistentRead: true }));
    return Item ? plainKeyRecord(Item) : null;
  }

  /** A key's public id is the start of its hash, so it is found with begins_with on the sort key. */
  async #revokeKey(partition: string, id: string, at: string): Promise<Record<string, unknown> | null> {
    const [item] = await this.#queryAll({ pk: partition, skPrefix: id });
    if (!item || item['id'] !== id) return null;
    const { Attributes } = await this.#documents.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { pk: partition, sk: item['sk'] },
        UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
        ExpressionAttributeValues: { ':at': at },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes ? plainKeyRecord(Attributes) : null;
  }

  async #scanPrefix(prefix: string): Promise<Record<string, NativeAttributeValue>[]> {
    const items: Record<string, NativeAttributeValue>[] = [];
    let ExclusiveStartKey: Record<string, NativeAttributeValue> | undefined;
    do {
      const page = await this.#documents.send(
        new ScanCommand({
          TableName: this.#table,
          FilterExpression: 'begins_with(pk, :prefix)',
          ExpressionAttributeValues: { ':prefix': prefix },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  /** BatchWriteItem in chunks of 25, retrying what DynamoDB leaves unprocessed. */
  async #batchWrite(requests: NonNullable<BatchWriteCommandInput['RequestItems']>[string]): Promise<void> {
    for (let index = 0; index < requests.length; index += 25) {
      let pending = requests.slice(index, index + 25);
      for (let attempt = 0; pending.length > 0; attempt++) {
        const { UnprocessedItems } = await this.#documents.send(new BatchWriteCommand({ RequestItems: { [this.#table]: pending } }));
        pending = UnprocessedItems?.[this.#table] ?? [];
        if (pending.length > 0) await backoff(attempt);
      }
    }
  }

  async #queryAll({ pk, skPrefix }: { pk: string; skPrefix?: string }): Promise<Record<string, NativeAttributeValue>[]> {
    const items: Record<string, NativeAttributeValue>[] = [];
    let ExclusiveStartKey: Record<string, NativeAttributeValue> | undefined;
    do {
      const page = await this.#documents.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: skPrefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
          ExpressionAttributeValues: skPrefix ? { ':pk': pk, ':prefix': skPrefix } : { ':pk': pk },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }
}

function experimentItem(experiment: Experiment): Record<string, NativeAttributeValue> {
  return {
    pk: EXPERIMENT_PARTITION,
    sk: `EXP#${experiment.key}`,
    status: experiment.status,
    version: experiment.version,
    doc: JSON.stringify(experiment),
  };
}

function parseExperiment(item: Record<string, NativeAttributeValue>): Experiment {
  return { ...(JSON.parse(String(item['doc'])) as Experiment), version: Number(String(item['version'])) };
}

/** Turns wrapped numbers back into plain numbers: every visitor-state number is a safe integer. */
function unwrap(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if ('value' in value && Object.keys(value).length === 1 && typeof (value as { value: unknown }).value === 'string') {
    return Number((value as { value: string }).value);
  }
  if (Array.isArray(value)) return value.map(unwrap);
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, unwrap(inner)]));
}

export function parseVisitorState(item: Record<string, unknown>): VisitorState {
  const plain = unwrap(item) as Record<string, unknown>;
  return {
    experiment: String(plain['experiment']),
    phase: Number(plain['phase']),
    visitor: String(plain['visitor']),
    variant: String(plain['variant']),
    exposedAt: Number(plain['exposedAt']),
    day: String(plain['day']),
    goals: (plain['goals'] ?? {}) as VisitorState['goals'],
    stages: (plain['stages'] ?? {}) as VisitorState['stages'],
    ids: (plain['ids'] ?? []) as string[],
    version: Number(plain['version'] ?? 0),
  };
}

function plainKeyRecord(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, ...record } = unwrap(item) as Record<string, unknown>;
  return record;
}

/** Orders stream sequence numbers (decimal strings of varying length) numerically. */
export function compareSequence(a: string, b: string): number {
  const left = padSequence(a);
  const right = padSequence(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 20 * 2 ** attempt) * (0.5 + Math.random())));
}

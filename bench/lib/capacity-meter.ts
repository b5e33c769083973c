import type { AttributeValue, ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';

/**
 * DynamoDB item size by the documented rules: each attribute's UTF-8 name plus its value;
 * strings by UTF-8 bytes, numbers about one byte per two significant digits plus one, lists
 * and maps 3 bytes plus 1 byte and the size of each element (and the name, in a map).
 */
export function attributeSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, each) => sum + Buffer.byteLength(each), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, each) => sum + numberSize(each), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, each) => sum + each.length, 0);
  if (value.L !== undefined) return 3 + value.L.reduce((sum, each) => sum + 1 + attributeSize(each), 0);
  if (value.M !== undefined) return 3 + Object.entries(value.M).reduce((sum, [name, each]) => sum + 1 + Buffer.byteLength(name) + attributeSize(each), 0);
  return 0;
}

function numberSize(text: string): number {
  const digits = text.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.min(21, Math.ceil(Math.max(1, digits.length) / 2) + 1);
}

export function itemSize(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + attributeSize(value), 0);
}

/** Size of a document-client item (numbers may be NumberValue or bigint), through the SDK's own marshalling. */
export function documentItemSize(item: Record<string, unknown>): number {
  return itemSize(marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: true }));
}

const WRITE_UNIT = 1024;
const READ_UNIT = 4096;
const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / WRITE_UNIT));
const readUnits = (bytes: number, consistent: boolean) => Math.max(consistent ? 1 : 0.5, Math.ceil(bytes / READ_UNIT) * (consistent ? 1 : 0.5));

export interface OperationTally {
  requests: number;
  /** Units computed from the requests the adapter sends and the sizes of the items involved. */
  modelWru: number;
  modelRru: number;
  /** Units DynamoDB itself reported (ReturnConsumedCapacity: TOTAL). */
  reportedWru: number;
  reportedRru: number;
  /** Writes refused by their condition: DynamoDB bills them too, but returns no ConsumedCapacity with the error. */
  conditionFailures: number;
}

export interface CapacityMeter {
  byOperation: Map<string, OperationTally>;
  totals(): { requests: number; modelWru: number; modelRru: number; reportedWru: number; reportedRru: number; conditionFailures: number };
  reset(): void;
}

const CAPACITY_COMMANDS = new Set([
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'BatchWriteItemCommand',
  'TransactGetItemsCommand',
  'TransactWriteItemsCommand',
]);

function sumCapacity(capacity: ConsumedCapacity | ConsumedCapacity[] | undefined): { read: number; write: number } {
  const list = capacity === undefined ? [] : Array.isArray(capacity) ? capacity : [capacity];
  let read = 0;
  let write = 0;
  for (const each of list) {
    if (each.ReadCapacityUnits !== undefined || each.WriteCapacityUnits !== undefined) {
      read += each.ReadCapacityUnits ?? 0;
      write += each.WriteCapacityUnits ?? 0;
    } else {
      // Only a total: reads and writes are never mixed in one of the adapter's requests.
      return { read: Number.NaN, write: each.CapacityUnits ?? 0 };
    }
  }
  return { read, write };
}

/**
 * Meters a real client: asks DynamoDB for ConsumedCapacity on every request (a middleware
 * setting ReturnConsumedCapacity: TOTAL) and, independently, computes the units the request
 * should cost from its items (writes: ceil(item size / 1 KB); strongly consistent reads:
 * ceil(size / 4 KB), at least 1; a Query reads the sum of the items it returns).
 * UpdateItem's model uses the key plus every attribute the update sets or adds, which is the
 * counter item's size once its counters exist.
 */
export function meterCapacity(client: DynamoDBClient): CapacityMeter {
  const byOperation = new Map<string, OperationTally>();
  const tally = (name: string): OperationTally => {
    let entry = byOperation.get(name);
    if (!entry) {
      entry = { requests: 0, modelWru: 0, modelRru: 0, reportedWru: 0, reportedRru: 0, conditionFailures: 0 };
      byOperation.set(name, entry);
    }
    return entry;
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName);
      if (!CAPACITY_COMMANDS.has(command)) return next(args);
      const input = args.input as Record<string, unknown>;
      input['ReturnConsumedCapacity'] = 'TOTAL';
      const entry = tally(command.replace(/Command$/, ''));
      entry.requests++;
      const written = modelWrite(command, input);
      let result;
      try {
        result = await next(args);
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') {
          entry.conditionFailures++;
          entry.modelWru += written;
        }
        throw error;
      }
      const output = result.output as unknown as Record<string, unknown>;
      entry.modelWru += written;
      entry.modelRru += modelRead(command, input, output);
      const { read, write } = sumCapacity(output['ConsumedCapacity'] as ConsumedCapacity | ConsumedCapacity[] | undefined);
      if (written > 0 || command === 'BatchWriteItemCommand') entry.reportedWru += write;
      else entry.reportedRru += Number.isNaN(read) ? write : read;
      return result;
    },
    { step: 'initialize', priority: 'high', name: 'upshotCapacityMeter' },
  );
  return {
    byOperation,
    totals: () => {
      const sum = { requests: 0, modelWru: 0, modelRru: 0, reportedWru: 0, reportedRru: 0, conditionFailures: 0 };
      for (const entry of byOperation.values()) for (const key of Object.keys(sum) as (keyof typeof sum)[]) sum[key] += entry[key];
      return sum;
    },
    reset: () => byOperation.clear(),
  };
}

function modelWrite(command: string, input: Record<string, unknown>): number {
  if (command === 'PutItemCommand') return writeUnits(documentItemSize(input['Item'] as Record<string, unknown>));
  if (command === 'UpdateItemCommand') {
    const names = (input['ExpressionAttributeNames'] ?? {}) as Record<string, string>;
    const values = (input['ExpressionAttributeValues'] ?? {}) as Record<string, unknown>;
    const item: Record<string, unknown> = { ...(input['Key'] as Record<string, unknown>) };
    // Each "#name :value" pair of the SET and ADD clauses becomes (or stays) an attribute of the item.
    for (const [, name, value] of String(input['UpdateExpression'] ?? '').matchAll(/(#\w+)\s*(?:=\s*)?(:\w+)/g)) {
      if (names[name!] && values[value!] !== undefined) item[names[name!]!] = values[value!];
    }
    return writeUnits(documentItemSize(item));
  }
  if (command === 'DeleteItemCommand') return 1;
  if (command === 'BatchWriteItemCommand') {
    const requests = Object.values((input['RequestItems'] ?? {}) as Record<string, { PutRequest?: { Item: Record<string, unknown> } }[]>).flat();
    return requests.reduce((sum, request) => sum + (request.PutRequest ? writeUnits(documentItemSize(request.PutRequest.Item)) : 1), 0);
  }
  return 0;
}

function modelRead(command: string, input: Record<string, unknown>, output: Record<string, unknown>): number {
  const consistent = input['ConsistentRead'] === true;
  if (command === 'GetItemCommand') return readUnits(output['Item'] ? documentItemSize(output['Item'] as Record<string, unknown>) : 0, consistent);
  if (command === 'QueryCommand' || command === 'ScanCommand') {
    const items = (output['Items'] ?? []) as Record<string, unknown>[];
    return readUnits(items.reduce((sum, item) => sum + documentItemSize(item), 0), consistent);
  }
  if (command === 'BatchGetItemCommand') {
    const requested = Object.values((input['RequestItems'] ?? {}) as Record<string, { Keys: unknown[]; ConsistentRead?: boolean }>);
    const found = Object.values((output['Responses'] ?? {}) as Record<string, Record<string, unknown>[]>).flat();
    const consistentBatch = requested.every((request) => request.ConsistentRead === true);
    const keys = requested.reduce((sum, request) => sum + request.Keys.length, 0);
    // Each key costs at least the minimum read, found or not.
    return found.reduce((sum, item) => sum + readUnits(documentItemSize(item), consistentBatch), 0) + Math.max(0, keys - found.length) * readUnits(0, consistentBatch);
  }
  return 0;
}

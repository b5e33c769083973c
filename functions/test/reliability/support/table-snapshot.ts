import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** JSON with object keys sorted, so equal items print equally whatever order DynamoDB returns attributes in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Every item of the table, raw attribute values, as canonical JSON lines keyed by `pk|sk`. */
export async function snapshotTable(client: DynamoDBClient, tableName: string): Promise<Map<string, string>> {
  const items = new Map<string, string>();
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey }));
    for (const item of page.Items ?? []) items.set(`${item['pk']?.S}|${item['sk']?.S}`, canonical(item));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** The keys of items added, removed or changed between two snapshots. */
export function changedItems(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((key) => before.get(key) !== after.get(key)).sort();
}

/** Counts the write requests a client sends that DynamoDB accepted: a rejected request must cause none. */
export function countWrites(client: DynamoDBClient): { total(): number } {
  const writes = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);
  let total = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (writes.has(String(context.commandName))) total++;
      return result;
    },
    { step: 'initialize', priority: 'low', name: 'upshotWriteCounter', tags: ['TEST'] },
  );
  return { total: () => total };
}

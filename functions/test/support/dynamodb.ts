import { randomUUID } from 'node:crypto';
import { DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { localClientConfig, type LocalClientConfig } from '../../src/local/dynamodb-local.ts';
import { ensureTable } from '../../src/store/table.ts';

/** Client configuration for the DynamoDB Local that global-setup started. */
export function testClientConfig(): LocalClientConfig {
  return localClientConfig(inject('dynamodbEndpoint'));
}

/**
 * Creates a table with the production key shape (pk/sk strings, on demand, stream with
 * NEW_AND_OLD_IMAGES) under a unique name, so test files can run in parallel.
 */
export async function createTestTable(name = 'test'): Promise<string> {
  const tableName = `${name}-${randomUUID().slice(0, 8)}`;
  await createTable(tableName);
  return tableName;
}

/** Creates a table with exactly this name, the way the local platform does (`ensureTable`). */
export async function createTable(tableName: string): Promise<void> {
  const client = new DynamoDBClient(testClientConfig());
  try {
    await ensureTable(client, tableName);
    await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: tableName });
  } finally {
    client.destroy();
  }
}

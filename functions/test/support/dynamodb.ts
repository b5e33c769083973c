import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { localClientConfig, type LocalClientConfig } from '../../src/local/dynamodb-local.ts';

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

/** Creates a table with exactly this name and the shape `createTestTable` uses; waits until it is active. */
export async function createTable(tableName: string): Promise<void> {
  const client = new DynamoDBClient(testClientConfig());
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: tableName });
  } finally {
    client.destroy();
  }
}

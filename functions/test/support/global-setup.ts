import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../src/local/dynamodb-local.ts';

/**
 * Starts one in-memory DynamoDB Local for the whole run; test files reach it through
 * `inject('dynamodbEndpoint')` (see dynamodb.ts) and keep apart by using their own tables.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamoDb = await startDynamoDbLocal({}).catch((error: unknown) => {
    throw new Error(`global-setup could not start DynamoDB Local: ${(error as Error).message}`, { cause: error });
  });
  project.provide('dynamodbEndpoint', dynamoDb.endpoint);
  return async () => {
    await dynamoDb.stop();
  };
}

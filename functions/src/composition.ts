import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DEFAULT_CONFIG_CACHE_SECONDS, DEFAULT_RETENTION_DAYS, readEnvironment, type Environment } from './config.ts';
import { DynamoDbStore } from './store/dynamodb-store.ts';
import type { Deps } from './use-cases/deps.ts';
import { ExperimentCache } from './use-cases/experiment-cache.ts';
import { SdkKeyCache } from './use-cases/sdk-key-cache.ts';

/**
 * The composition root: the only place that builds clients. Lambda handlers call `lambdaDeps()`
 * once per cold start; the local platform and tests call `buildDeps` with their own client.
 */
export function buildDeps(options: { client: DynamoDBClient; tableName: string; retentionDays?: number; configCacheSeconds?: number }): Deps {
  const store = new DynamoDbStore({ client: options.client, tableName: options.tableName });
  const cacheMs = (options.configCacheSeconds ?? DEFAULT_CONFIG_CACHE_SECONDS) * 1000;
  return {
    store,
    experiments: new ExperimentCache(store, cacheMs),
    sdkKeys: new SdkKeyCache(store, cacheMs),
    clock: () => new Date(),
    retentionDays: options.retentionDays ?? DEFAULT_RETENTION_DAYS,
  };
}

export function clientFor(environment: Pick<Environment, 'AWS_REGION' | 'DYNAMODB_ENDPOINT'>): DynamoDBClient {
  return new DynamoDBClient({
    region: environment.AWS_REGION,
    ...(environment.DYNAMODB_ENDPOINT ? { endpoint: environment.DYNAMODB_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
}

let cached: Deps | undefined;

export function lambdaDeps(): Deps {
  if (!cached) {
    const environment = readEnvironment();
    cached = buildDeps({
      client: clientFor(environment),
      tableName: environment.TABLE_NAME,
      retentionDays: environment.RETENTION_DAYS,
      configCacheSeconds: environment.CONFIG_CACHE_SECONDS,
    });
  }
  return cached;
}

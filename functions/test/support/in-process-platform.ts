import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { buildDeps } from '../../src/composition.ts';
import { newExperimentSchema, type Experiment } from '../../src/domain/index.ts';
import { routeHandlers } from '../../src/handlers/index.ts';
import { startAggregatorPoller } from '../../src/local/aggregator-poller.ts';
import { createLocalServer } from '../../src/local/http-server.ts';
import type { StreamPoller, StreamPollerOptions } from '../../src/local/stream-poller.ts';
import type { RouteName } from '../../src/routes.ts';
import type { Deps } from '../../src/use-cases/deps.ts';
import { changeLifecycle, createExperiment } from '../../src/use-cases/manage-experiments.ts';
import { createApiKey, createSdkKey } from '../../src/use-cases/manage-keys.ts';
import { createTestTable, testClientConfig } from './dynamodb.ts';

/** The offer experiment of the issue that built the API: two variants, a revenue goal, two stages. */
export const offerExperiment = {
  key: 'hero-offer',
  name: 'Hero offer',
  variants: [
    { key: 'A', weight: 0.5, control: true, payload: { headline: 'Save today' } },
    { key: 'B', weight: 0.5, payload: { headline: '10% off your first order' } },
  ],
  coverage: 1,
  goals: [{ key: 'purchase', primary: true, revenue: true }],
  stages: ['cart', 'checkout'],
  costs: { B: { fixed: 500, perVisitor: 0, perConversion: 2, revenueShare: 0.1 } },
  margin: 0.4,
  currency: 'EUR',
};

export interface InProcessPlatform {
  base: string;
  tableName: string;
  /** Clean deps: setup, management routes and results. */
  deps: Deps;
  /** Deps of the ingest routes (`events`, `assign`), on `ingestClient` when one was given. */
  ingestDeps: Deps;
  /** Deps of the stream aggregator, on `aggregatorClient` when one was given. */
  aggregatorDeps: Deps;
  poller: StreamPoller | undefined;
  keys: { admin: string; analyst: string; sdk: string };
  /** Lines the poller wrote to its failure file: batches it gave up on. */
  discardedBatches(): Promise<string[]>;
  stop(): Promise<void>;
}

export interface InProcessPlatformOptions {
  name: string;
  /** A client for the ingest routes, e.g. one with faults injected; the platform destroys it on stop. */
  ingestClient?: DynamoDBClient;
  /** A client for the aggregator, e.g. one with faults injected; the platform destroys it on stop. */
  aggregatorClient?: DynamoDBClient;
  /** Without a poller nothing aggregates (fuzz and security tests need none). */
  poller?: boolean | Partial<StreamPollerOptions>;
  configCacheSeconds?: number;
  sdkOrigins?: string[];
}

const INGEST_ROUTES: readonly RouteName[] = ['events', 'assign'];

/**
 * The local platform in this process, as `npm start` wires it (the same handlers, the local
 * API Gateway twin, the Lambda-shaped stream poller with a tumbling window so the aggregator
 * learns its shard), on its own test table, with a separate DynamoDB client for each of the
 * ingest path and the aggregator so faults can be injected into one without the other.
 */
export async function startInProcessPlatform(options: InProcessPlatformOptions): Promise<InProcessPlatform> {
  const tableName = await createTestTable(options.name);
  const client = new DynamoDBClient(testClientConfig());
  const ingestClient = options.ingestClient ?? client;
  const aggregatorClient = options.aggregatorClient ?? client;
  const configCacheSeconds = options.configCacheSeconds ?? 5;
  const deps = buildDeps({ client, tableName, configCacheSeconds: 0 });
  const ingestDeps = ingestClient === client ? deps : buildDeps({ client: ingestClient, tableName, configCacheSeconds });
  const aggregatorDeps = aggregatorClient === client ? deps : buildDeps({ client: aggregatorClient, tableName, configCacheSeconds });

  const keys = {
    admin: (await createApiKey(deps, { label: 'test admin', role: 'admin' })).key,
    analyst: (await createApiKey(deps, { label: 'test analyst', role: 'analyst' })).key,
    sdk: (await createSdkKey(deps, { label: 'test site', origins: options.sdkOrigins ?? ['https://shop.example.com'] })).key,
  };

  const handlers = routeHandlers((route) => (INGEST_ROUTES.includes(route) ? ingestDeps : deps));
  const server: Server = createLocalServer({ handlers });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const folder = await mkdtemp(join(tmpdir(), 'upshot-reliability-'));
  const failureFile = join(folder, 'stream-failures.jsonl');
  let poller: StreamPoller | undefined;
  if (options.poller !== false && options.poller !== undefined) {
    poller = await startAggregatorPoller({
      store: aggregatorDeps.store,
      clientConfig: testClientConfig(),
      tableName,
      pollIntervalMs: 50,
      maximumRetryAttempts: -1,
      retryBaseDelayMs: 50,
      retryMaxDelayMs: 1_000,
      failureFile,
      log: () => undefined,
      ...(typeof options.poller === 'object' ? options.poller : {}),
    });
  }

  return {
    base,
    tableName,
    deps,
    ingestDeps,
    aggregatorDeps,
    poller,
    keys,
    discardedBatches: async () =>
      (await readFile(failureFile, 'utf8').catch(() => ''))
        .split('\n')
        .filter((line) => line.trim().length > 0),
    stop: async () => {
      await poller?.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      for (const each of new Set([client, ingestClient, aggregatorClient])) each.destroy();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/** Creates and launches an experiment through the use cases (no faults), returning it running. */
export async function launchExperiment(deps: Deps, definition: unknown = offerExperiment): Promise<Experiment> {
  const created = await createExperiment(deps, newExperimentSchema.parse(definition));
  return changeLifecycle(deps, created.key, 'launch');
}

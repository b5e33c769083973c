import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { buildDeps } from '../../../src/composition.ts';
import { counterName, newExperimentSchema, type Experiment } from '../../../src/domain/index.ts';
import { routeHandlers } from '../../../src/handlers/index.ts';
import { createLocalServer } from '../../../src/local/http-server.ts';
import type { Deps } from '../../../src/use-cases/deps.ts';
import { changeLifecycle, createExperiment } from '../../../src/use-cases/manage-experiments.ts';
import { createApiKey, createSdkKey, revokeApiKey, revokeSdkKey } from '../../../src/use-cases/manage-keys.ts';
import { createTestTable, testClientConfig } from '../../support/dynamodb.ts';
import { offerExperiment } from '../../support/in-process-platform.ts';
import { countWrites, snapshotTable } from '../../reliability/support/table-snapshot.ts';

export interface FuzzKeys {
  admin: string;
  analyst: string;
  sdk: string;
  revokedAdmin: string;
  revokedSdk: string;
}

/** One route's server: its own DynamoDB client, so the writes of its requests can be counted alone. */
export interface RouteServer {
  base: string;
  /** Write requests DynamoDB accepted from this server so far. */
  writes(): number;
  stop(): Promise<void>;
}

export interface FuzzTarget {
  tableName: string;
  keys: FuzzKeys;
  /** Ids of every stored key: revoke fuzzing must never name one. */
  keyIds: string[];
  /** running (with counters), draft, stopped, and a running one with targeting on awkward attribute names. */
  experiments: Record<'running' | 'draft' | 'stopped' | 'targeted', Experiment>;
  serve(): Promise<RouteServer>;
  snapshot(): Promise<Map<string, string>>;
  stop(): Promise<void>;
}

/** Counters of a week of traffic, so results fuzzing runs the statistics on real numbers. */
async function seedCounters(deps: Deps, experiment: Experiment): Promise<void> {
  for (let day = 0; day < 7; day++) {
    const date = new Date(Date.now() - day * 86_400_000).toISOString().slice(0, 10);
    for (const [variant, rate] of [['A', 0.1], ['B', 0.12]] as const) {
      const visitors = 1_000n + BigInt(day * 37);
      const converters = BigInt(Math.round(Number(visitors) * rate));
      await deps.store.applyCounterUpdate({
        experiment: experiment.key,
        phase: experiment.phase,
        variant,
        day: date,
        shard: 'seed',
        records: [
          {
            sequenceNumber: String(1000 + day),
            delta: {
              [counterName.visitors]: visitors,
              [counterName.converters('purchase')]: converters,
              [counterName.revenue('purchase')]: converters * 4_990n,
              [counterName.revenueSquares('purchase')]: converters * 4_990n * 4_990n * 2n,
              [counterName.abandoners('cart')]: visitors / 5n,
              [counterName.recovered('cart')]: visitors / 50n,
            },
          },
        ],
      });
    }
  }
}

/**
 * A table seeded the way a real installation looks (keys of both roles, revoked keys, an
 * experiment in each state, counters) and a factory of in-process local servers on it.
 */
export async function startFuzzTarget(name: string): Promise<FuzzTarget> {
  const tableName = await createTestTable(name);
  const client = new DynamoDBClient(testClientConfig());
  const deps = buildDeps({ client, tableName, configCacheSeconds: 0 });

  const admin = await createApiKey(deps, { label: 'fuzz admin', role: 'admin' });
  const analyst = await createApiKey(deps, { label: 'fuzz analyst', role: 'analyst' });
  const revokedAdmin = await createApiKey(deps, { label: 'revoked admin', role: 'admin' });
  await revokeApiKey(deps, revokedAdmin.id);
  const sdk = await createSdkKey(deps, { label: 'fuzz site', origins: ['https://shop.example.com', 'https://*.example.org', 'http://localhost:*'] });
  const revokedSdk = await createSdkKey(deps, { label: 'revoked site', origins: ['https://shop.example.com'] });
  await revokeSdkKey(deps, revokedSdk.id);

  const create = (definition: unknown) => createExperiment(deps, newExperimentSchema.parse(definition));
  const running = await changeLifecycle(deps, (await create(offerExperiment)).key, 'launch');
  const draft = await create({ ...offerExperiment, key: 'draft-offer', name: 'Draft offer' });
  const stoppedDraft = await create({ ...offerExperiment, key: 'stopped-offer', name: 'Stopped offer' });
  await changeLifecycle(deps, stoppedDraft.key, 'launch');
  const stopped = await changeLifecycle(deps, stoppedDraft.key, 'stop');
  const targetedDraft = await create({
    ...offerExperiment,
    key: 'targeted-offer',
    name: 'Targeted offer',
    costs: {},
    targeting: [
      { attribute: 'constructor', operator: 'not_equals', values: ['x'] },
      { attribute: 'country', operator: 'equals', values: ['de', 'at'] },
      { attribute: 'url', operator: 'contains', values: ['/offer'] },
    ],
  });
  const targeted = await changeLifecycle(deps, targetedDraft.key, 'launch');
  await seedCounters(deps, running);

  const servers = new Set<RouteServer>();
  return {
    tableName,
    keys: { admin: admin.key, analyst: analyst.key, sdk: sdk.key, revokedAdmin: revokedAdmin.key, revokedSdk: revokedSdk.key },
    keyIds: [admin.id, analyst.id, revokedAdmin.id, sdk.id, revokedSdk.id],
    experiments: { running, draft, stopped, targeted },
    serve: async () => {
      const routeClient = new DynamoDBClient(testClientConfig());
      const writes = countWrites(routeClient);
      const routeDeps = buildDeps({ client: routeClient, tableName, configCacheSeconds: 5 });
      const server: Server = createLocalServer({ handlers: routeHandlers(routeDeps) });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const entry: RouteServer = {
        base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        writes: writes.total,
        stop: async () => {
          servers.delete(entry);
          server.closeAllConnections();
          await new Promise((resolve) => server.close(resolve));
          routeClient.destroy();
        },
      };
      servers.add(entry);
      return entry;
    },
    snapshot: () => snapshotTable(client, tableName),
    stop: async () => {
      await Promise.all([...servers].map((server) => server.stop()));
      client.destroy();
    },
  };
}

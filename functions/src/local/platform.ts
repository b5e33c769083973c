import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { buildDeps } from '../composition.ts';
import { routeHandlers } from '../handlers/index.ts';
import { makeHandler as sdkEndpoint } from '../handlers/sdk-endpoint.ts';
import { logger } from '../http/logger.ts';
import { ensureTable } from '../store/table.ts';
import { buildAssets } from './assets.ts';
import { REPOSITORY_ROOT } from './paths.ts';
import { ensureDemoExperiment, ensureLocalKeys, type LocalKeys } from './bootstrap.ts';
import { localClientConfig, startDynamoDbLocal } from './dynamodb-local.ts';
import { createFunctionUrlServer, createLocalServer } from './http-server.ts';
import { startAggregatorPoller } from './aggregator-poller.ts';

export const TABLE_NAME = 'upshot';

export interface PlatformOptions {
  /** Where DynamoDB Local keeps its file, plus keys and the stream checkpoint. */
  dataDir: string;
  port?: number;
  /** Also serve the SDK endpoint, as its function URL does in AWS, on this port (0: any free one). */
  sdkEndpointPort?: number;
  host?: string;
  demo?: boolean;
  log?: (line: string) => void;
}

export interface Platform {
  url: string;
  /** The SDK endpoint's local function URL, when `sdkEndpointPort` was given. */
  sdkEndpointUrl?: string;
  keys: LocalKeys;
  stop(): Promise<void>;
}

/**
 * Starts the whole platform on one port: DynamoDB Local with its data in `dataDir`, the table,
 * the keys, the demo experiment, the stream poller feeding the aggregator, and the HTTP server
 * dispatching to the very handlers Lambda runs.
 */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const log = options.log ?? (() => undefined);
  // Built while DynamoDB Local starts; awaited when the server mounts them.
  const assets = buildAssets(REPOSITORY_ROOT);
  assets.catch(() => undefined);
  const dataDir = resolve(options.dataDir);
  await mkdir(join(dataDir, 'dynamodb'), { recursive: true });

  log('Starting DynamoDB Local…');
  const database = await startDynamoDbLocal({ dataDir: join(dataDir, 'dynamodb'), log: () => undefined });
  const clientConfig = localClientConfig(database.endpoint);
  const client = new DynamoDBClient(clientConfig);
  try {
    const { created } = await ensureTable(client, TABLE_NAME);
    if (created) log(`Created table "${TABLE_NAME}".`);
    // One process serves every route, so the experiment cache is invalidated by every write: no staleness locally.
    const deps = buildDeps({ client, tableName: TABLE_NAME, configCacheSeconds: 5 });
    const keys = await ensureLocalKeys(deps, dataDir);
    const demoSeeded = options.demo === false ? false : await ensureDemoExperiment(deps);
    if (demoSeeded) log('Seeded and launched the demo experiment "hero-offer".');

    const poller = await startAggregatorPoller({
      store: deps.store,
      clientConfig,
      tableName: TABLE_NAME,
      checkpointFile: join(dataDir, 'stream-checkpoint.json'),
      failureFile: join(dataDir, 'stream-failures.jsonl'),
      maximumRetryAttempts: -1,
      onStreamReset: async () => {
        log('The stream cannot resume from its checkpoint; rebuilding counters from visitor states…');
        const { visitors } = await deps.store.rebuildCounters();
        log(`Rebuilt counters from ${visitors} visitor states.`);
      },
      warn: (line) => logger.warn(line),
    });

    const servers: Server[] = [];
    const listen = async (server: Server, port: number): Promise<number> => {
      servers.push(server);
      await new Promise<void>((resolveListen, rejectListen) => {
        server.once('error', rejectListen);
        server.listen(port, options.host ?? '127.0.0.1', () => resolveListen());
      });
      return (server.address() as AddressInfo).port;
    };
    const closeServers = () =>
      Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolveClose) => {
              server.close(() => resolveClose());
              server.closeAllConnections();
            }),
        ),
      );
    let port: number;
    let sdkEndpointUrl: string | undefined;
    try {
      if (options.sdkEndpointPort !== undefined) {
        const sdkPort = await listen(createFunctionUrlServer({ name: 'sdk-endpoint', handler: sdkEndpoint(deps) }), options.sdkEndpointPort);
        sdkEndpointUrl = `http://localhost:${sdkPort}`;
      }
      // What the deployment publishes in AWS (infra/lib/web-stack.ts): the dashboard's install snippet reads it.
      const documents = sdkEndpointUrl ? { '/deployment.json': { sdkEndpointUrl } } : {};
      port = await listen(createLocalServer({ handlers: routeHandlers(deps), mounts: await assets, documents }), options.port ?? 8787);
    } catch (error) {
      await closeServers();
      await poller.stop();
      throw error;
    }

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        await closeServers();
        await poller.stop();
        client.destroy();
        await database.stop();
      })());
    return { url: `http://localhost:${port}`, sdkEndpointUrl, keys, stop };
  } catch (error) {
    client.destroy();
    await database.stop();
    throw error;
  }
}

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { assign } from '../../sdk/src/assign.ts';
import { buildDeps } from '../../functions/src/composition.ts';
import { newExperimentSchema, toExperimentConfig } from '../../functions/src/domain/index.ts';
import { routeHandlers } from '../../functions/src/handlers/index.ts';
import { seededRandom } from '../../functions/src/local/seeded-random.ts';
import { localClientConfig } from '../../functions/src/local/dynamodb-local.ts';
import { createLocalServer } from '../../functions/src/local/http-server.ts';
import { startStreamPoller } from '../../functions/src/local/stream-poller.ts';
import { ensureTable } from '../../functions/src/store/table.ts';
import { aggregateStream, type StreamBatch } from '../../functions/src/use-cases/aggregate-stream.ts';
import { changeLifecycle, createExperiment } from '../../functions/src/use-cases/manage-experiments.ts';
import { createApiKey, createSdkKey } from '../../functions/src/use-cases/manage-keys.ts';
import { itemSize, meterCapacity, type CapacityMeter, type OperationTally } from '../lib/capacity-meter.ts';
import { median, quantile, round } from '../lib/stats.ts';

/** The realistic traffic mix: what share of visitors do what, and how their events are batched. */
export const TRAFFIC_MIX = {
  visitors: 4_000,
  /** Share of exposed visitors who reach the cart. */
  reachCart: 0.3,
  /** Share of cart visitors who buy at once; the others abandon the cart. */
  buyFromCart: 0.25,
  /** Share of cart abandoners who come back and buy (recovered). */
  comeBack: 0.2,
  /** Share of beacons sent twice (a retried fetch after a lost response, a beacon plus its fallback). */
  duplicateBeacons: 0.02,
  /** Concurrent senders. */
  senders: 8,
  description:
    'each visitor: the SDK fetches the config (GET /v1/config; it keeps it 5 minutes in localStorage) and sends an exposure beacon ' +
    'on the offer page; 30 % reach the cart; of those 25 % buy at once (conversion with revenue), the rest abandon the cart ' +
    '(abandonment), and 20 % of the abandoners come back later, fetch the config again and buy; every beacon is its own request ' +
    '(one page, one flush: 1 event per request), 2 % of beacons are sent twice, 8 senders at once.',
};

export interface CapacityFigures {
  mix: typeof TRAFFIC_MIX;
  /** Event requests (beacons, duplicates included). */
  requests: number;
  /** Config requests: one per visitor, and one more per visitor who comes back after the SDK's 5-minute cache. */
  configRequests: number;
  events: { sent: number; accepted: number; duplicates: number };
  eventsPerRequest: number;
  perEvent: { modelWru: number; reportedWru: number; modelRru: number; reportedRru: number };
  /** The SDK-key lookups (GetItem, cached 5 s per process), in RRU per public request. */
  keyLookupRruPerRequest: number;
  perResultsRequest: { modelRru: number; reportedRru: number };
  breakdown: Record<string, Record<string, OperationTally>>;
  aggregator: { invocations: number; recordsPerInvocation: number; medianMs: number };
  /** Visitor-state writes that succeeded (each one stream record) per accepted event. */
  recordsPerEvent: number;
  visitorsPerEvent: number;
  /** Mean size of a visitor-state item at the end, by DynamoDB's rules. */
  visitorStateBytes: number;
  ingestHandlerMs: { p50: number; p99: number };
  configHandlerMs: { p50: number; p99: number };
  resultsRequests: number;
}

const perUnit = (tally: OperationTally[], field: keyof OperationTally, divisor: number) => round(tally.reduce((sum, entry) => sum + entry[field], 0) / divisor, 3);

/**
 * Write and read units per event for the realistic mix, through the real handlers, adapter and
 * aggregator on DynamoDB Local: one metered DynamoDB client for the ingest route, one for the
 * aggregator, one for the results route (see lib/capacity-meter.ts for the two ways of counting).
 */
export async function measureCapacity(endpoint: string, log: (line: string) => void, visitors = TRAFFIC_MIX.visitors): Promise<CapacityFigures> {
  const mix = { ...TRAFFIC_MIX, visitors };
  const tableName = `bench-capacity-${Date.now()}`;
  const config = localClientConfig(endpoint);
  const setupClient = new DynamoDBClient(config);
  const ingestClient = new DynamoDBClient(config);
  const aggregatorClient = new DynamoDBClient(config);
  const resultsClient = new DynamoDBClient(config);
  const meters: Record<'ingest' | 'aggregator' | 'results', CapacityMeter> = {
    ingest: meterCapacity(ingestClient),
    aggregator: meterCapacity(aggregatorClient),
    results: meterCapacity(resultsClient),
  };
  await ensureTable(setupClient, tableName);
  const setup = buildDeps({ client: setupClient, tableName, configCacheSeconds: 0 });
  const ingest = buildDeps({ client: ingestClient, tableName, configCacheSeconds: 5 });
  const aggregator = buildDeps({ client: aggregatorClient, tableName });
  const results = buildDeps({ client: resultsClient, tableName });
  const sdkKey = (await createSdkKey(setup, { label: 'bench', origins: ['https://shop.example.com'] })).key;
  const adminKey = (await createApiKey(setup, { label: 'bench', role: 'admin' })).key;
  const draft = await createExperiment(
    setup,
    newExperimentSchema.parse({
      key: 'offer',
      name: 'Offer',
      variants: [
        { key: 'A', weight: 0.5, control: true, payload: { headline: 'Save today' } },
        { key: 'B', weight: 0.5, payload: { headline: '10% off your first order' } },
      ],
      goals: [{ key: 'purchase', primary: true, revenue: true }],
      stages: ['cart', 'checkout'],
      costs: { B: { fixed: 500, perVisitor: 0, perConversion: 2, revenueShare: 0.1 } },
      margin: 0.4,
      currency: 'EUR',
    }),
  );
  const experiment = toExperimentConfig(await changeLifecycle(setup, draft.key, 'launch'));

  // The public routes share the ingest client, as they share the SDK endpoint's function in AWS.
  const handlers = routeHandlers((name) => (name === 'events' || name === 'config' ? ingest : name === 'results' ? results : setup));
  const handlerMs = { events: [] as number[], config: [] as number[] };
  for (const name of ['events', 'config'] as const) {
    const handler = handlers[name];
    handlers[name] = async (...args) => {
      const started = performance.now();
      try {
        return await handler(...args);
      } finally {
        handlerMs[name].push(performance.now() - started);
      }
    };
  }
  const server: Server = createLocalServer({ handlers });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const invocations: { records: number; ms: number }[] = [];
  const poller = await startStreamPoller({
    clientConfig: config,
    tableName,
    handler: async (event: DynamoDBStreamEvent) => {
      const started = performance.now();
      const response = await aggregateStream(aggregator.store, event as unknown as StreamBatch);
      if (event.Records.length > 0) invocations.push({ records: event.Records.length, ms: performance.now() - started });
      return response;
    },
    tumblingWindowInSeconds: 60,
    maximumBatchingWindowMs: 1_000,
    maximumRetryAttempts: -1,
    log: () => undefined,
  });

  try {
    const random = seededRandom(20_241_101);
    const beacon = (visitor: string, variant: string, event: Record<string, unknown>) =>
      JSON.stringify({ events: [{ id: `${visitor}-${String(event['type'])}-${String(event['at'] ?? 0)}`, experiment: 'offer', variant, visitor, ts: Date.now(), ...event, at: undefined }] });
    /** A request of the mix: a beacon's body, or null for a config fetch. */
    const CONFIG = null;
    const waves: (string | null)[][] = [[], [], []];
    for (let index = 0; index < mix.visitors; index++) {
      const visitor = `v${index.toString(36)}-${Math.floor(random() * 1e9).toString(36)}`;
      const variant = assign(experiment, visitor);
      if (!variant) continue;
      waves[0]!.push(CONFIG, beacon(visitor, variant, { type: 'exposure' }));
      if (random() >= mix.reachCart) continue;
      if (random() < mix.buyFromCart) {
        waves[1]!.push(beacon(visitor, variant, { type: 'conversion', goal: 'purchase', revenue: 2_000 + Math.floor(random() * 8_000), currency: 'EUR' }));
      } else {
        waves[1]!.push(beacon(visitor, variant, { type: 'abandonment', stage: 'cart', reason: 'left' }));
        if (random() < mix.comeBack) waves[2]!.push(CONFIG, beacon(visitor, variant, { type: 'conversion', goal: 'purchase', revenue: 2_000 + Math.floor(random() * 8_000), currency: 'EUR', at: 1 }));
      }
    }
    const totals = { requests: 0, configRequests: 0, sent: 0, accepted: 0, duplicates: 0 };
    for (const wave of waves) {
      const queue = wave.flatMap((body) => (body !== CONFIG && random() < mix.duplicateBeacons ? [body, body] : [body]));
      let cursor = 0;
      await Promise.all(
        Array.from({ length: mix.senders }, async () => {
          while (cursor < queue.length) {
            const body = queue[cursor++]!;
            if (body === CONFIG) {
              const response = await fetch(`${base}/v1/config?key=${sdkKey}`, { headers: { origin: 'https://shop.example.com' } });
              if (response.status !== 200) throw new Error(`The config route answered ${response.status}: ${await response.text()}`);
              await response.arrayBuffer();
              totals.configRequests++;
              continue;
            }
            const response = await fetch(`${base}/v1/events?key=${sdkKey}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
            const result = (await response.json()) as { accepted: number; duplicates: number; rejected: unknown[] };
            if (response.status !== 200 || result.rejected.length > 0) throw new Error(`The ingest refused a valid beacon: ${response.status} ${JSON.stringify(result)}`);
            totals.requests++;
            totals.sent += 1;
            totals.accepted += result.accepted;
            totals.duplicates += result.duplicates;
          }
        }),
      );
      log(`capacity: wave of ${queue.length} beacons sent`);
    }
    await poller.drain(300_000);

    const resultsRequests = 20;
    for (let index = 0; index < resultsRequests; index++) {
      const response = await fetch(`${base}/v1/experiments/offer/results`, { headers: { authorization: `Bearer ${adminKey}` } });
      if (response.status !== 200) throw new Error(`results answered ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    }

    const writePath = [...meters.ingest.byOperation.values(), ...meters.aggregator.byOperation.values()];
    const puts = meters.ingest.byOperation.get('PutItem');
    const states = (await setupClient.send(new ScanCommand({ TableName: tableName, FilterExpression: 'begins_with(pk, :prefix)', ExpressionAttributeValues: { ':prefix': { S: 'VIS#' } } }))).Items ?? [];
    const breakdown = Object.fromEntries(Object.entries(meters).map(([role, meter]) => [role, Object.fromEntries(meter.byOperation)]));
    const records = invocations.reduce((sum, invocation) => sum + invocation.records, 0);
    return {
      mix,
      requests: totals.requests,
      configRequests: totals.configRequests,
      events: { sent: totals.sent, accepted: totals.accepted, duplicates: totals.duplicates },
      eventsPerRequest: round(totals.sent / totals.requests, 3),
      perEvent: {
        modelWru: perUnit(writePath, 'modelWru', totals.accepted),
        reportedWru: perUnit(writePath, 'reportedWru', totals.accepted),
        modelRru: perUnit(writePath, 'modelRru', totals.accepted),
        reportedRru: perUnit(writePath, 'reportedRru', totals.accepted),
      },
      keyLookupRruPerRequest: round((meters.ingest.byOperation.get('GetItem')?.modelRru ?? 0) / (totals.requests + totals.configRequests), 4),
      perResultsRequest: {
        modelRru: perUnit([...meters.results.byOperation.values()], 'modelRru', resultsRequests),
        reportedRru: perUnit([...meters.results.byOperation.values()], 'reportedRru', resultsRequests),
      },
      breakdown,
      aggregator: {
        invocations: invocations.length,
        recordsPerInvocation: round(records / Math.max(1, invocations.length), 1),
        medianMs: round(median(invocations.map((invocation) => invocation.ms)), 1),
      },
      recordsPerEvent: round(((puts?.requests ?? 0) - (puts?.conditionFailures ?? 0)) / totals.accepted, 3),
      visitorsPerEvent: round(states.length / totals.accepted, 3),
      visitorStateBytes: Math.round(states.reduce((sum, item) => sum + itemSize(item), 0) / Math.max(1, states.length)),
      ingestHandlerMs: { p50: round(quantile(handlerMs.events, 0.5), 1), p99: round(quantile(handlerMs.events, 0.99), 1) },
      configHandlerMs: { p50: round(quantile(handlerMs.config, 0.5), 1), p99: round(quantile(handlerMs.config, 0.99), 1) },
      resultsRequests,
    };
  } finally {
    await poller.stop();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    for (const client of [setupClient, ingestClient, aggregatorClient, resultsClient]) client.destroy();
  }
}

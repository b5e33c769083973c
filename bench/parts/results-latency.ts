import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { buildDeps } from '../../functions/src/composition.ts';
import { counterName, newExperimentSchema } from '../../functions/src/domain/index.ts';
import { routeHandlers } from '../../functions/src/handlers/index.ts';
import { localClientConfig } from '../../functions/src/local/dynamodb-local.ts';
import { createLocalServer } from '../../functions/src/local/http-server.ts';
import { ensureTable } from '../../functions/src/store/table.ts';
import type { Deps } from '../../functions/src/use-cases/deps.ts';
import { changeLifecycle, createExperiment } from '../../functions/src/use-cases/manage-experiments.ts';
import { createApiKey } from '../../functions/src/use-cases/manage-keys.ts';
import { meterCapacity } from '../lib/capacity-meter.ts';
import { quantile, round } from '../lib/stats.ts';
import { TRAFFIC_MIX } from './capacity.ts';

export interface ResultsCase {
  name: string;
  events: number;
  visitors: number;
  days: number;
  shardsPerDay: number;
  counterItems: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  responseBytes: number;
  rruPerRequest: number;
}

/** A share of the mix as whole percent, for the bigint counters. */
const percent = (share: number): bigint => BigInt(Math.round(share * 100));

/** Events per visitor in the realistic mix: the exposure, the cart event of 30 %, the come-back purchase. */
const EVENTS_PER_VISITOR = 1 + TRAFFIC_MIX.reachCart + TRAFFIC_MIX.reachCart * (1 - TRAFFIC_MIX.buyFromCart) * TRAFFIC_MIX.comeBack;

/**
 * Writes the counters `events` events of the realistic mix leave behind, spread over `days`
 * exposure days and `shardsPerDay` stream shards, through the adapter's own applyCounterUpdate
 * (what the aggregator calls): results read counter items, never events, so this is the state
 * a million events produce without sending a million events.
 */
async function seed(deps: Deps, key: string, events: number, days: number, shardsPerDay: number): Promise<{ visitors: number; items: number }> {
  const experiment = await changeLifecycle(
    deps,
    (
      await createExperiment(
        deps,
        newExperimentSchema.parse({
          key,
          name: key,
          variants: [
            { key: 'A', weight: 0.5, control: true },
            { key: 'B', weight: 0.5 },
          ],
          goals: [{ key: 'purchase', primary: true, revenue: true }],
          stages: ['cart', 'checkout'],
          costs: { B: { fixed: 500, perVisitor: 0, perConversion: 2, revenueShare: 0.1 } },
          margin: 0.4,
          currency: 'EUR',
        }),
      )
    ).key,
    'launch',
  );
  const visitors = Math.round(events / EVENTS_PER_VISITOR);
  const slices = days * shardsPerDay * 2;
  let items = 0;
  let sequence = 1_000;
  for (let day = 0; day < days; day++) {
    const date = new Date(Date.now() - day * 86_400_000).toISOString().slice(0, 10);
    for (let shard = 0; shard < shardsPerDay; shard++) {
      for (const [variant, lift] of [['A', 1], ['B', 1.1]] as const) {
        const sliceVisitors = BigInt(Math.max(1, Math.round(visitors / slices)));
        const cart = (sliceVisitors * percent(TRAFFIC_MIX.reachCart)) / 100n;
        const buyers = BigInt(Math.round(Number((cart * percent(TRAFFIC_MIX.buyFromCart)) / 100n) * lift));
        const abandoners = cart - buyers;
        const recovered = (abandoners * percent(TRAFFIC_MIX.comeBack)) / 100n;
        const converters = buyers + recovered;
        await deps.store.applyCounterUpdate({
          experiment: key,
          phase: experiment.phase,
          variant,
          day: date,
          shard: `s${shard}`,
          records: [
            {
              sequenceNumber: String(sequence++),
              delta: {
                [counterName.visitors]: sliceVisitors,
                [counterName.converters('purchase')]: converters,
                [counterName.revenue('purchase')]: converters * 5_990n,
                [counterName.revenueSquares('purchase')]: converters * 5_990n * 5_990n + converters * 2_500n * 2_500n,
                [counterName.abandoners('cart')]: abandoners,
                [counterName.recovered('cart')]: recovered,
              },
            },
          ],
        });
        items++;
      }
    }
  }
  return { visitors, items };
}

const REQUESTS_PER_CASE = 150;

/**
 * Latency of GET /v1/experiments/{key}/results through the local API for experiments of a
 * thousand and a million events laid out over the same days and shards (and, for scale, a
 * million over 90 days): after 10 rounds to warm up, 150 rounds of one request per case in turn.
 */
export async function measureResultsLatency(endpoint: string, log: (line: string) => void): Promise<ResultsCase[]> {
  const tableName = `bench-results-${Date.now()}`;
  const client = new DynamoDBClient(localClientConfig(endpoint));
  const readClient = new DynamoDBClient(localClientConfig(endpoint));
  const meter = meterCapacity(readClient);
  await ensureTable(client, tableName);
  const deps = buildDeps({ client, tableName, configCacheSeconds: 0 });
  const readDeps = buildDeps({ client: readClient, tableName });
  const adminKey = (await createApiKey(deps, { label: 'bench', role: 'admin' })).key;
  const server: Server = createLocalServer({ handlers: routeHandlers(readDeps) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cases = [
    { name: '1 thousand events, 14 days', key: 'results-1k', events: 1_000, days: 14, shardsPerDay: 6 },
    { name: '1 million events, 14 days', key: 'results-1m', events: 1_000_000, days: 14, shardsPerDay: 6 },
    { name: '1 million events, 90 days', key: 'results-1m-90d', events: 1_000_000, days: 90, shardsPerDay: 6 },
  ];
  const figures: ResultsCase[] = [];
  try {
    const seeded = [];
    for (const each of cases) seeded.push({ ...each, ...(await seed(deps, each.key, each.events, each.days, each.shardsPerDay)) });
    const get = async (key: string) => {
      const started = performance.now();
      const response = await fetch(`${base}/v1/experiments/${key}/results`, { headers: { authorization: `Bearer ${adminKey}` } });
      const body = await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`results for ${key} answered ${response.status}: ${Buffer.from(body).toString()}`);
      return { ms: performance.now() - started, bytes: body.byteLength };
    };
    for (let warm = 0; warm < 10; warm++) for (const each of seeded) await get(each.key);
    // Interleaved, so every case meets the same load on a shared machine.
    const samples = new Map<string, { ms: number; bytes: number }[]>(seeded.map((each) => [each.key, []]));
    const units = new Map<string, number>(seeded.map((each) => [each.key, 0]));
    for (let request = 0; request < REQUESTS_PER_CASE; request++) {
      for (const each of seeded) {
        meter.reset();
        samples.get(each.key)!.push(await get(each.key));
        units.set(each.key, units.get(each.key)! + meter.totals().modelRru);
      }
    }
    for (const each of seeded) {
      const latencies = samples.get(each.key)!.map((sample) => sample.ms);
      const figure: ResultsCase = {
        name: each.name,
        events: each.events,
        visitors: each.visitors,
        days: each.days,
        shardsPerDay: each.shardsPerDay,
        counterItems: each.items,
        requests: latencies.length,
        p50Ms: round(quantile(latencies, 0.5), 1),
        p99Ms: round(quantile(latencies, 0.99), 1),
        meanMs: round(latencies.reduce((sum, value) => sum + value, 0) / latencies.length, 1),
        responseBytes: samples.get(each.key)![0]!.bytes,
        rruPerRequest: round(units.get(each.key)! / latencies.length, 2),
      };
      log(`results: ${each.name} (${each.items} counter items): p50 ${figure.p50Ms} ms, p99 ${figure.p99Ms} ms, ${figure.rruPerRequest} RRU`);
      figures.push(figure);
    }
    return figures;
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    client.destroy();
    readClient.destroy();
  }
}

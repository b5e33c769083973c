import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { chooseVariant } from '@upshot/sdk/assign';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toExperimentConfig } from '../../src/domain/index.ts';
import { simulate, type GroundTruth } from '../../src/local/simulator.ts';
import { expectedRows, settledRows } from '../e2e/platform-process.ts';
import { testClientConfig } from '../support/dynamodb.ts';
import { captureConsole, type ConsoleCapture } from './support/console-capture.ts';
import { faultKinds, injectFaults, type FaultInjector } from './support/dynamodb-faults.ts';
import { launchExperiment, offerExperiment, startInProcessPlatform, type InProcessPlatform } from '../support/in-process-platform.ts';

let platform: InProcessPlatform | undefined;
let output: ConsoleCapture;

beforeEach(() => {
  output = captureConsole();
});

afterEach(async () => {
  await platform?.stop();
  platform = undefined;
  output.restore();
});

/** Two clients on DynamoDB Local, each with its own fault injector, for the ingest path and the aggregator. */
function faultyClients(seed: number, options: { commands?: string[]; kinds?: readonly (typeof faultKinds)[number][] } = {}) {
  const ingestClient = new DynamoDBClient(testClientConfig());
  const aggregatorClient = new DynamoDBClient(testClientConfig());
  const ingestFaults = injectFaults(ingestClient, { rate: 0, seed, ...options });
  const aggregatorFaults = injectFaults(aggregatorClient, { rate: 0, seed: seed + 1, ...options });
  return { ingestClient, aggregatorClient, ingestFaults, aggregatorFaults };
}

const eventId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

async function postEvents(base: string, sdkKey: string, events: unknown[]) {
  const response = await fetch(`${base}/v1/events?key=${sdkKey}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: JSON.stringify({ events }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Three visitors of the offer experiment with a journey each: exposure, abandonment, a purchase. */
function journeys(experiment: Parameters<typeof toExperimentConfig>[0], prefix: string) {
  const config = toExperimentConfig(experiment);
  const ts = Date.now();
  let n = 0;
  const truth: GroundTruth = {
    experiment: experiment.key,
    phase: experiment.phase,
    goal: 'purchase',
    variants: Object.fromEntries(
      experiment.variants.map((variant) => [variant.key, { visitors: 0, conversions: 0, revenue: 0, abandonments: { cart: 0, checkout: 0 }, recovered: { cart: 0, checkout: 0 } }]),
    ),
    sent: { requests: 0, events: 0, duplicateRequests: 0, retries: 0 },
  };
  const events: Record<string, unknown>[] = [];
  for (const visitor of [`${prefix}-1`, `${prefix}-2`, `${prefix}-3`]) {
    const variant = chooseVariant(config, visitor)!;
    const base = { experiment: experiment.key, variant, visitor, ts };
    events.push({ ...base, id: eventId(++n + prefix.length * 1000), type: 'exposure' });
    events.push({ ...base, id: eventId(++n + prefix.length * 1000), type: 'abandonment', stage: 'cart', ts: ts + 1 });
    events.push({ ...base, id: eventId(++n + prefix.length * 1000), type: 'conversion', goal: 'purchase', revenue: 1500, currency: 'EUR', ts: ts + 2 });
    const counts = truth.variants[variant]!;
    counts.visitors++;
    counts.conversions++;
    counts.revenue += 1500;
    counts.abandonments['cart']!++;
    counts.recovered['cart']!++;
  }
  return { events, truth };
}

describe('ingest and aggregation under DynamoDB faults', () => {
  it(
    'counts exactly the ground truth when 16 senders retry and race duplicates while a fifth of DynamoDB requests fail in ingest and in the aggregator',
    { timeout: 240_000 },
    async () => {
      const { ingestClient, aggregatorClient, ingestFaults, aggregatorFaults } = faultyClients(20_240_601);
      // Small stream batches: more aggregator invocations, so more of its requests meet a fault.
      platform = await startInProcessPlatform({ name: 'faults-load', ingestClient, aggregatorClient, poller: { batchSize: 10 } });
      await launchExperiment(platform.deps);
      ingestFaults.setRate(0.2);
      aggregatorFaults.setRate(0.2);

      const truth = await simulate({
        url: platform.base,
        sdkKey: platform.keys.sdk,
        experiment: 'hero-offer',
        visitors: 1_200,
        lift: 0.2,
        baseline: 0.15,
        concurrency: 16,
        duplicates: 0.5,
        visitorsPerRequest: 4,
        seed: 7_001,
        retryForMs: 150_000,
      });
      await platform.poller!.drain(150_000);
      const rows = await settledRows(platform.base, platform.keys.admin, 'hero-offer', truth, 60_000);

      expect(rows).toEqual(expectedRows(truth));
      expect(rows.reduce((sum, row) => sum + row.conversions, 0)).toBeGreaterThan(100);
      expect(truth.sent.duplicateRequests).toBeGreaterThan(100);
      expectEveryFault(ingestFaults, 'the ingest path');
      expectEveryFault(aggregatorFaults, 'the aggregator');
      // Writes applied whose answer was lost: the exactly-once guards themselves, not only the retries.
      expect(ingestFaults.count('timeout-after', 'PutItemCommand')).toBeGreaterThan(10);
      expect(aggregatorFaults.count('timeout-after', 'UpdateItemCommand')).toBeGreaterThan(3);
      // Some faults outlasted the SDK's three attempts and reached the senders as 5xx, which they retried.
      expect(truth.sent.retries).toBeGreaterThan(0);
      expect(await platform.discardedBatches()).toEqual([]);
      // Each 5xx was logged once, as one JSON line naming the route and the error.
      const failures = output.lines().filter((line) => line.includes('"request failed"'));
      expect(failures.length).toBeGreaterThan(0);
      for (const line of failures) expect(JSON.parse(line)).toMatchObject({ level: 'error', route: 'events', error: { name: expect.any(String) } });
    },
  );

  it('counts each visitor once when server-side assignment is called twice at once for every visitor under faults', { timeout: 120_000 }, async () => {
    const { ingestClient, aggregatorClient, ingestFaults, aggregatorFaults } = faultyClients(99);
    platform = await startInProcessPlatform({ name: 'faults-assign', ingestClient, aggregatorClient, poller: true });
    const experiment = await launchExperiment(platform.deps);
    ingestFaults.setRate(0.25);
    aggregatorFaults.setRate(0.25);

    const visitors = Array.from({ length: 300 }, (_, index) => `assign-visitor-${index}`);
    const assignOnce = async (visitor: string): Promise<string> => {
      for (let attempt = 0; attempt < 50; attempt++) {
        const response = await fetch(`${platform!.base}/v1/assign?key=${platform!.keys.sdk}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ visitor, experiments: ['hero-offer'] }),
        });
        if (response.status === 200) return ((await response.json()) as { assignments: Record<string, { variant: string }> }).assignments['hero-offer']!.variant;
        expect(response.status).toBeGreaterThanOrEqual(500);
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      }
      throw new Error(`assign for ${visitor} kept failing`);
    };
    let next = 0;
    const assigned = new Map<string, string>();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < visitors.length) {
          const visitor = visitors[next++]!;
          const [first, second] = await Promise.all([assignOnce(visitor), assignOnce(visitor)]);
          expect(second).toBe(first);
          assigned.set(visitor, first);
        }
      }),
    );

    const truth: GroundTruth = {
      experiment: 'hero-offer',
      phase: experiment.phase,
      goal: 'purchase',
      variants: Object.fromEntries(
        offerExperiment.variants.map((variant) => [
          variant.key,
          {
            visitors: [...assigned.values()].filter((key) => key === variant.key).length,
            conversions: 0,
            revenue: 0,
            abandonments: { cart: 0, checkout: 0 },
            recovered: { cart: 0, checkout: 0 },
          },
        ]),
      ),
      sent: { requests: 0, events: 0, duplicateRequests: 0, retries: 0 },
    };
    await platform.poller!.drain(60_000);
    expect(await settledRows(platform.base, platform.keys.admin, 'hero-offer', truth, 30_000)).toEqual(expectedRows(truth));
    expect(ingestFaults.count()).toBeGreaterThan(20);
    expect(aggregatorFaults.count()).toBeGreaterThan(0);
  });

  it('reports a write whose acknowledgement was lost as a duplicate and counts it once', { timeout: 60_000 }, async () => {
    const { ingestClient, aggregatorClient, ingestFaults } = faultyClients(5, { commands: ['PutItemCommand'], kinds: ['timeout-after'] });
    platform = await startInProcessPlatform({ name: 'faults-lost-ack', ingestClient, aggregatorClient, poller: true });
    const experiment = await launchExperiment(platform.deps);
    const { events, truth } = journeys(experiment, 'lost-ack');
    ingestFaults.setRate(1);

    const first = await postEvents(platform.base, platform.keys.sdk, events);
    expect(first.status).toBe(200);
    // Each visitor's write was applied, its answer lost, the SDK's retry refused by the version condition,
    // and the re-read state already held every event id.
    expect(first.body).toEqual({ accepted: 0, duplicates: events.length, rejected: [] });
    expect(ingestFaults.count('timeout-after', 'PutItemCommand')).toBe(3);
    ingestFaults.setRate(0);
    expect((await postEvents(platform.base, platform.keys.sdk, events)).body).toEqual({ accepted: 0, duplicates: events.length, rejected: [] });

    await platform.poller!.drain(30_000);
    expect(await settledRows(platform.base, platform.keys.admin, 'hero-offer', truth, 20_000)).toEqual(expectedRows(truth));
  });

  it('applies a counter update whose acknowledgement was lost exactly once', { timeout: 60_000 }, async () => {
    const { ingestClient, aggregatorClient, aggregatorFaults } = faultyClients(6, { commands: ['UpdateItemCommand'], kinds: ['timeout-after'] });
    platform = await startInProcessPlatform({ name: 'faults-lost-counter', ingestClient, aggregatorClient, poller: true });
    const experiment = await launchExperiment(platform.deps);
    const { events, truth } = journeys(experiment, 'lost-counter');
    aggregatorFaults.setRate(1);

    expect((await postEvents(platform.base, platform.keys.sdk, events)).body).toEqual({ accepted: events.length, duplicates: 0, rejected: [] });
    await platform.poller!.drain(30_000);

    expect(aggregatorFaults.count('timeout-after', 'UpdateItemCommand')).toBeGreaterThan(0);
    expect(await settledRows(platform.base, platform.keys.admin, 'hero-offer', truth, 20_000)).toEqual(expectedRows(truth));
  });

  it('answers 500 while DynamoDB keeps failing, and counts every event once when the client retries', { timeout: 60_000 }, async () => {
    const { ingestClient, aggregatorClient, ingestFaults } = faultyClients(8, { commands: ['PutItemCommand'], kinds: ['internal'] });
    platform = await startInProcessPlatform({ name: 'faults-outage', ingestClient, aggregatorClient, poller: true });
    const experiment = await launchExperiment(platform.deps);
    const { events, truth } = journeys(experiment, 'outage');
    ingestFaults.setRate(1);

    const failed = await postEvents(platform.base, platform.keys.sdk, events);
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({ error: 'internal_error', message: expect.stringContaining('Retry') });
    // The SDK tried at least one visitor's write three times (its default) before the request failed.
    expect(ingestFaults.count('internal', 'PutItemCommand')).toBeGreaterThanOrEqual(3);

    // A 500 promises nothing either way: writes of other visitors still in flight may land after it.
    // The retry accounts for every event, and whatever had landed comes back as a duplicate.
    ingestFaults.setRate(0);
    const retried = await postEvents(platform.base, platform.keys.sdk, events);
    expect(retried.status).toBe(200);
    expect(Number(retried.body['accepted']) + Number(retried.body['duplicates'])).toBe(events.length);
    expect(retried.body['rejected']).toEqual([]);
    await platform.poller!.drain(30_000);
    expect(await settledRows(platform.base, platform.keys.admin, 'hero-offer', truth, 20_000)).toEqual(expectedRows(truth));
  });
});

function expectEveryFault(injector: FaultInjector, where: string): void {
  for (const kind of faultKinds) {
    expect(injector.count(kind), `${kind} faults injected into ${where}`).toBeGreaterThan(0);
  }
}

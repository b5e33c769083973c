import { describe, expect, it } from 'vitest';
import { priceScenario, storageCost, type CostInputs } from '../parts/cost-model.ts';

/** Round inputs, so every expected figure below can be worked out by hand. */
const inputs: CostInputs = {
  wruPerEvent: 1,
  rruPerEvent: 1,
  configRequestsPerEvent: 0.5,
  ingestMs: (n) => 10 + 2 * (n - 1),
  configMs: 0.4,
  aggregatorMsPerInvocation: 20,
  recordsPerEvent: 1,
  visitorStateBytes: 200,
  visitorsPerEvent: 0.5,
  retentionDays: 400,
};

describe('the cost model', () => {
  // A million events at 100 events/s on one shard: batches fill to 100 records within the 1 s window,
  // so 10,000 aggregator invocations, plus one per 60 s window over 10,000 s: 166.67; 10,166.67 in all.
  const sdkTraffic = { eventsPerRequest: 1, configRequestsPerEvent: 0.5, eventsPerSecond: 100 };

  it('prices the SDK endpoint with no request charge but the invocation', () => {
    const scenario = priceScenario('function URL', inputs, { ...sdkTraffic, frontDoor: 'function URL' });
    expect(scenario.usdPerMillionEvents).toEqual({
      'DynamoDB writes': 0.625, // 1 WRU × 0.625
      'DynamoDB reads': 0.125, // 1 RRU × 0.125
      'CloudFront requests': 0,
      'HTTP API requests': 0,
      // (1,000,000 event + 500,000 config + 10,166.67 aggregator invocations) × 0.20 per million
      'Lambda requests': 0.302,
      // (1e6 × 10 ms + 5e5 × 1 ms (0.4 billed as 1) + 10,166.67 × 20 ms) = 10,703.33 s × 0.5 GB × 0.0000133334
      'Lambda compute (arm64)': 0.0714,
    });
    expect(scenario.total).toBeCloseTo(1.1234, 4);
  });

  it('adds CloudFront and the HTTP API for every request, config requests included', () => {
    const scenario = priceScenario('CloudFront', inputs, { ...sdkTraffic, frontDoor: 'CloudFront + HTTP API' });
    expect(scenario.usdPerMillionEvents['CloudFront requests']).toBe(1.5);
    expect(scenario.usdPerMillionEvents['HTTP API requests']).toBe(1.5);
    expect(scenario.total).toBeCloseTo(4.1234, 4);
  });

  it('spreads per-request charges over the events of a batch', () => {
    // 50,000 requests of 20 events (48 ms each); 1,000 events/s on 2 shards: 500 records per shard and
    // second cap at 100 per batch, so 10,000 invocations plus 2 per 60 s over 1,000 s: 10,033.33.
    const scenario = priceScenario('batches', inputs, { frontDoor: 'CloudFront + HTTP API', eventsPerRequest: 20, configRequestsPerEvent: 0, eventsPerSecond: 1_000, streamShards: 2 });
    expect(scenario.usdPerMillionEvents).toEqual({
      'DynamoDB writes': 0.625,
      'DynamoDB reads': 0.125,
      'CloudFront requests': 0.05,
      'HTTP API requests': 0.05,
      'Lambda requests': 0.012, // 60,033.33 × 0.20 per million
      'Lambda compute (arm64)': 0.0173, // (50,000 × 48 + 10,033.33 × 20) ms = 2,600.67 s × 0.5 GB × 0.0000133334
    });
    expect(scenario.total).toBeCloseTo(0.8793, 4);
  });

  it('prices storage of the visitor states with DynamoDB’s 100-byte item overhead', () => {
    // 500,000 visitors × 300 bytes = 0.15 GB × 0.25 per GB-month; 400 days = 13.14 months.
    expect(storageCost(inputs)).toEqual({ gigabytes: 0.15, usdPerMonth: 0.0375, usdOverRetention: 0.4928 });
  });
});

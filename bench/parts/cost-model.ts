/**
 * What a million events cost on AWS on-demand prices, from the measured units per event and
 * handler durations. Prices are us-east-1 list prices, each with the date it took effect; this
 * machine cannot reach the pricing pages, so check them before quoting a figure.
 */

/** USD per million DynamoDB on-demand write request units (1 KB each); in effect since 2024-11-01 (the 50 % on-demand cut). */
export const DYNAMODB_WRU_PER_MILLION_USD_2024_11_01 = 0.625;
/** USD per million DynamoDB on-demand read request units (one strongly consistent read of up to 4 KB); since 2024-11-01. */
export const DYNAMODB_RRU_PER_MILLION_USD_2024_11_01 = 0.125;
/** USD per GB-month of DynamoDB Standard table storage (each item counts 100 bytes of overhead); unchanged since 2018. */
export const DYNAMODB_STORAGE_GB_MONTH_USD_2018 = 0.25;
/** USD per GB-second of Lambda on arm64 (first 7.5 billion GB-s a month); since arm64 launched on 2021-09-29. */
export const LAMBDA_ARM64_GB_SECOND_USD_2021_09_29 = 0.0000133334;
/** USD per million Lambda invocations; since 2021-09-29 (and long before). */
export const LAMBDA_REQUESTS_PER_MILLION_USD_2021_09_29 = 0.2;
/** USD per million API Gateway HTTP API requests (first 300 million a month, each up to 512 KB); since HTTP APIs went GA on 2020-03-12. */
export const HTTP_API_REQUESTS_PER_MILLION_USD_2020_03_12 = 1.0;
/**
 * USD per million CloudFront HTTPS requests, North America and Europe edges (USD 0.0100 per 10,000), as listed in 2024.
 * Paid by a page that calls the API through the site's CloudFront domain (/v1/*), on top of the HTTP API.
 */
export const CLOUDFRONT_HTTPS_REQUESTS_PER_MILLION_USD_2024 = 1.0;
export const REGION = 'us-east-1';

/** The deployment the model prices (infra/lib/config.ts defaults). */
export const LAMBDA_MEMORY_GB = 0.5;
export const AGGREGATOR_BATCH_SIZE = 100;
export const AGGREGATOR_BATCHING_WINDOW_SECONDS = 1;
export const TUMBLING_WINDOW_SECONDS = 60;
/** DynamoDB adds 100 bytes per item to the stored size it bills. */
const ITEM_STORAGE_OVERHEAD_BYTES = 100;

/**
 * How pages reach the public routes (docs/deploy.md, "Which URL the SDK uses"): the SDK endpoint's
 * Lambda function URL, which has no per-request charge of its own, or the site's CloudFront
 * domain, which passes `/v1/*` on to the public HTTP API and pays both per request.
 */
export type FrontDoor = 'function URL' | 'CloudFront + HTTP API';

export interface CostInputs {
  wruPerEvent: number;
  /** Every read of the mix per accepted event: visitor states, SDK-key and experiment lookups, config requests. */
  rruPerEvent: number;
  /** Config requests per accepted event (pages fetch the config, the SDK keeps it 5 minutes). */
  configRequestsPerEvent: number;
  /** Billed duration of one ingest invocation carrying `n` events, in ms. */
  ingestMs: (eventsPerRequest: number) => number;
  /** Billed duration of one config request, in ms. */
  configMs: number;
  aggregatorMsPerInvocation: number;
  /** Stream records (visitor-state writes) per accepted event. */
  recordsPerEvent: number;
  /** Stored bytes of one visitor state, and visitors per event. */
  visitorStateBytes: number;
  visitorsPerEvent: number;
  retentionDays: number;
}

export interface CostScenario {
  name: string;
  frontDoor: FrontDoor;
  eventsPerRequest: number;
  configRequestsPerEvent: number;
  eventsPerSecond: number;
  streamShards: number;
  usdPerMillionEvents: Record<string, number>;
  total: number;
}

const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

export interface ScenarioTraffic {
  frontDoor: FrontDoor;
  eventsPerRequest: number;
  /** Config requests per event; server-side senders that batch events fetch none. */
  configRequestsPerEvent: number;
  eventsPerSecond: number;
  streamShards?: number;
}

export function priceScenario(name: string, inputs: CostInputs, traffic: ScenarioTraffic): CostScenario {
  const { frontDoor, eventsPerRequest, configRequestsPerEvent, eventsPerSecond, streamShards = 1 } = traffic;
  const events = 1_000_000;
  const eventRequests = events / eventsPerRequest;
  const configRequests = events * configRequestsPerEvent;
  const requests = eventRequests + configRequests;
  const viaCloudFront = frontDoor === 'CloudFront + HTTP API';
  const records = events * inputs.recordsPerEvent;
  // A shard's batch closes at 100 records or after the 1 s batching window; each window also ends with one final invocation per shard.
  const recordsPerBatch = Math.max(1, Math.min(AGGREGATOR_BATCH_SIZE, (eventsPerSecond * inputs.recordsPerEvent * AGGREGATOR_BATCHING_WINDOW_SECONDS) / streamShards));
  const windowFinals = ((events / eventsPerSecond) / TUMBLING_WINDOW_SECONDS) * streamShards;
  const aggregatorInvocations = records / recordsPerBatch + windowFinals;
  // Lambda bills each invocation's duration rounded up to the millisecond.
  const billedMs = eventRequests * Math.ceil(inputs.ingestMs(eventsPerRequest)) + configRequests * Math.ceil(inputs.configMs) + aggregatorInvocations * Math.ceil(inputs.aggregatorMsPerInvocation);
  const gbSeconds = (billedMs / 1000) * LAMBDA_MEMORY_GB;
  const parts = {
    'DynamoDB writes': (events * inputs.wruPerEvent * DYNAMODB_WRU_PER_MILLION_USD_2024_11_01) / 1e6,
    'DynamoDB reads': (events * inputs.rruPerEvent * DYNAMODB_RRU_PER_MILLION_USD_2024_11_01) / 1e6,
    'CloudFront requests': viaCloudFront ? (requests * CLOUDFRONT_HTTPS_REQUESTS_PER_MILLION_USD_2024) / 1e6 : 0,
    'HTTP API requests': viaCloudFront ? (requests * HTTP_API_REQUESTS_PER_MILLION_USD_2020_03_12) / 1e6 : 0,
    'Lambda requests': ((requests + aggregatorInvocations) * LAMBDA_REQUESTS_PER_MILLION_USD_2021_09_29) / 1e6,
    'Lambda compute (arm64)': gbSeconds * LAMBDA_ARM64_GB_SECOND_USD_2021_09_29,
  };
  const usdPerMillionEvents = Object.fromEntries(Object.entries(parts).map(([key, value]) => [key, round4(value)]));
  return { name, frontDoor, eventsPerRequest, configRequestsPerEvent, eventsPerSecond, streamShards, usdPerMillionEvents, total: round4(Object.values(parts).reduce((sum, value) => sum + value, 0)) };
}

/** Storage of the visitor states a million events leave, for as long as they are kept (not part of the per-event price). */
export function storageCost(inputs: CostInputs): { gigabytes: number; usdPerMonth: number; usdOverRetention: number } {
  const gigabytes = (1_000_000 * inputs.visitorsPerEvent * (inputs.visitorStateBytes + ITEM_STORAGE_OVERHEAD_BYTES)) / 1e9;
  const usdPerMonth = gigabytes * DYNAMODB_STORAGE_GB_MONTH_USD_2018;
  return { gigabytes: round4(gigabytes), usdPerMonth: round4(usdPerMonth), usdOverRetention: round4(usdPerMonth * (inputs.retentionDays / 30.44)) };
}

export const prices = {
  region: REGION,
  dynamodbWruPerMillion: { usd: DYNAMODB_WRU_PER_MILLION_USD_2024_11_01, since: '2024-11-01' },
  dynamodbRruPerMillion: { usd: DYNAMODB_RRU_PER_MILLION_USD_2024_11_01, since: '2024-11-01' },
  dynamodbStorageGbMonth: { usd: DYNAMODB_STORAGE_GB_MONTH_USD_2018, since: '2018' },
  lambdaArm64GbSecond: { usd: LAMBDA_ARM64_GB_SECOND_USD_2021_09_29, since: '2021-09-29' },
  lambdaRequestsPerMillion: { usd: LAMBDA_REQUESTS_PER_MILLION_USD_2021_09_29, since: '2021-09-29' },
  httpApiRequestsPerMillion: { usd: HTTP_API_REQUESTS_PER_MILLION_USD_2020_03_12, since: '2020-03-12' },
  cloudFrontHttpsRequestsPerMillion: { usd: CLOUDFRONT_HTTPS_REQUESTS_PER_MILLION_USD_2024, since: 'as listed in 2024' },
  lambdaMemoryGb: LAMBDA_MEMORY_GB,
  notIncluded: [
    'CloudWatch Logs: the handlers log only failures, and the functions set the system log level to WARN, so Lambda writes no START/END/REPORT lines',
    'DynamoDB Streams reads: free when Lambda is the consumer',
    'CloudFront for the SDK file and the dashboard, data transfer out (responses are a few hundred bytes)',
    'Lambda function URLs: no charge of their own beyond the invocation',
    'the results and management routes (a results request reads 3 to a few dozen RRU, see the results part)',
    'the free tiers',
  ],
};

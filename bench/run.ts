/**
 * The benchmark suite (`npm run bench`): measures, never asserts. Writes bench/results.json
 * and prints a table of every figure with its target. Options:
 *   --quick            shorter ingest cells and a smaller traffic mix (a smoke run, not for the docs)
 *   --only=a,b         run only these parts (assign, sdk, bundles, analyze, capacity, results, ingest);
 *                      the other parts keep their figures from the previous results.json
 * The machine is often shared: each part records the load average before and after it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDynamoDbLocal } from '../functions/src/local/dynamodb-local.ts';
import { machineInfo, sampleLoad, type LoadSample } from './lib/machine.ts';
import { round, table } from './lib/stats.ts';
import { measureAnalyze } from './parts/analyze-throughput.ts';
import { measureAssignments } from './parts/assignments.ts';
import { measureCapacity, TRAFFIC_MIX, type CapacityFigures } from './parts/capacity.ts';
import { priceScenario, prices, storageCost, type CostInputs } from './parts/cost-model.ts';
import { measureIngest, type IngestCell } from './parts/ingest.ts';
import { measureBundles } from './parts/lambda-bundles.ts';
import { measureResultsLatency } from './parts/results-latency.ts';
import { measureSdkSize } from './parts/sdk-size.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_FILE = join(ROOT, 'bench/results.json');
const PARTS = ['assign', 'sdk', 'bundles', 'analyze', 'capacity', 'results', 'ingest'] as const;
type Part = (typeof PARTS)[number];

const TARGETS = {
  assignmentsPerSecondPerCore: 5_000_000,
  sdkGzipBytes: 3.5 * 1024,
  wruPerEvent: 1.5,
  usdPerMillionEvents: 1.5,
  /** "Flat": the million-event experiment answers within this factor of the thousand-event one, reading the same items. */
  resultsLatencyRatio: 1.5,
};

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',') as Part[] | undefined;
for (const part of only ?? []) if (!PARTS.includes(part)) throw new Error(`Unknown part "${part}"; the parts are ${PARTS.join(', ')}.`);
const selected = (part: Part) => !only || only.includes(part);
const log = (line: string) => console.log(`[bench] ${line}`);

type Results = Record<string, unknown> & { parts: Record<string, { load: { before: LoadSample; after: LoadSample }; seconds: number; figures: unknown }> };
const previous: Results | null = only && existsSync(RESULTS_FILE) ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Results) : null;
const results: Results = { machine: machineInfo(), quick, targets: TARGETS, parts: { ...(previous?.parts ?? {}) } };

async function part<T>(name: Part, run: () => Promise<T> | T): Promise<void> {
  if (!selected(name)) return;
  log(`${name}…`);
  const before = sampleLoad();
  const started = performance.now();
  const figures = await run();
  results.parts[name] = { load: { before, after: sampleLoad() }, seconds: round((performance.now() - started) / 1000, 1), figures };
}

await part('assign', () => measureAssignments());
await part('sdk', () => measureSdkSize(ROOT));
await part('bundles', () => measureBundles(ROOT));
await part('analyze', () => measureAnalyze(ROOT, quick ? 2_000 : 10_000));
if (selected('capacity') || selected('results')) {
  const database = await startDynamoDbLocal({});
  try {
    await part('capacity', () => measureCapacity(database.endpoint, log, quick ? 800 : TRAFFIC_MIX.visitors));
    await part('results', () => measureResultsLatency(database.endpoint, log));
  } finally {
    await database.stop();
  }
}
await part('ingest', () => measureIngest({ concurrencies: [1, 16, 64], eventsPerRequest: [1, 10, 50], secondsPerCell: quick ? 3 : 8 }, log));

// The cost model: prices times the measured units and durations.
const figures = <T>(name: Part) => results.parts[name]?.figures as T | undefined;
const capacity = figures<CapacityFigures>('capacity');
const ingest = figures<IngestCell[]>('ingest');
if (capacity) {
  const cell = (concurrency: number, eventsPerRequest: number) => ingest?.find((each) => each.concurrency === concurrency && each.eventsPerRequest === eventsPerRequest);
  const one = cell(1, 1)?.p50Ms;
  const ten = cell(1, 10)?.p50Ms;
  const inputs: CostInputs = {
    wruPerEvent: capacity.perEvent.modelWru,
    rruPerEvent: capacity.perEvent.modelRru,
    configRequestsPerEvent: round(capacity.configRequests / capacity.events.accepted, 3),
    // Billed duration: the in-process handler's median for one event; more events per request add the local API's per-event slope at concurrency 1.
    ingestMs: (n) => capacity.ingestHandlerMs.p50 + (one !== undefined && ten !== undefined ? Math.max(0, (ten - one) / 9) * (n - 1) : 0),
    configMs: capacity.configHandlerMs.p50,
    aggregatorMsPerInvocation: capacity.aggregator.medianMs,
    recordsPerEvent: capacity.recordsPerEvent,
    visitorStateBytes: capacity.visitorStateBytes,
    visitorsPerEvent: capacity.visitorsPerEvent,
    retentionDays: 400,
  };
  const sdkTraffic = { eventsPerRequest: capacity.eventsPerRequest, configRequestsPerEvent: inputs.configRequestsPerEvent };
  results['cost'] = {
    prices,
    inputs: { ...inputs, ingestMs: Object.fromEntries([1, 5, 20].map((n) => [n, round(inputs.ingestMs(n), 1)])) },
    scenarios: [
      // The first scenario is the one the target is judged on: the SDK's own traffic through its default endpoint.
      priceScenario('SDK traffic (mix) via the SDK endpoint (function URL), 1 M events/day', inputs, { ...sdkTraffic, frontDoor: 'function URL', eventsPerSecond: 1e6 / 86_400 }),
      priceScenario('SDK traffic (mix) via the SDK endpoint (function URL), 10 M events/day', inputs, { ...sdkTraffic, frontDoor: 'function URL', eventsPerSecond: 1e7 / 86_400 }),
      priceScenario('SDK traffic (mix) via CloudFront + HTTP API (site domain), 1 M events/day', inputs, { ...sdkTraffic, frontDoor: 'CloudFront + HTTP API', eventsPerSecond: 1e6 / 86_400 }),
      priceScenario('server batches of 20 events via CloudFront + HTTP API, 10 M events/day', inputs, { frontDoor: 'CloudFront + HTTP API', eventsPerRequest: 20, configRequestsPerEvent: 0, eventsPerSecond: 1e7 / 86_400 }),
    ],
    storage: storageCost(inputs),
  };
}

writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);

// The printed summary.
const lines: string[] = [];
const machine = results['machine'] as ReturnType<typeof machineInfo>;
lines.push(`Upshot benchmarks — ${machine.date}, ${machine.cpu} × ${machine.cores}, ${machine.memoryGiB} GiB, Node ${machine.node}, commit ${machine.commit ?? '?'}${quick ? ' (QUICK RUN)' : ''}`);
lines.push(`load average (1 min) before/after each part: ${Object.entries(results.parts).map(([name, entry]) => `${name} ${entry.load.before.load1}/${entry.load.after.load1}`).join(', ')}`);
const verdict = (ok: boolean | null) => (ok === null ? 'n/a' : ok ? 'met' : 'MISSED');
const summary: (string | number)[][] = [];
const assign = figures<ReturnType<typeof measureAssignments>>('assign');
if (assign) {
  const main = assign[0]!;
  summary.push(['assignments/s per core (1 experiment)', main.perSecondPerCore, `≥ ${TARGETS.assignmentsPerSecondPerCore.toLocaleString('en')}`, verdict(main.perSecondPerCore >= TARGETS.assignmentsPerSecondPerCore)]);
  for (const scenario of assign.slice(1)) summary.push([`  assignments/s per core (${scenario.name})`, scenario.perSecondPerCore, '', '']);
}
const sdk = figures<Awaited<ReturnType<typeof measureSdkSize>>>('sdk');
if (sdk) {
  summary.push(['SDK gzip bytes', sdk.gzipBytes, `≤ ${TARGETS.sdkGzipBytes} (3.5 KiB)`, verdict(sdk.gzipBytes <= TARGETS.sdkGzipBytes)]);
  summary.push(['  assignment module alone, gzip bytes', sdk.assignModule.gzipBytes, '', '']);
}
if (capacity) {
  summary.push(['WRU per event (adapter model)', capacity.perEvent.modelWru, `≤ ${TARGETS.wruPerEvent}`, verdict(capacity.perEvent.modelWru <= TARGETS.wruPerEvent)]);
  summary.push(['  WRU per event (DynamoDB Local ConsumedCapacity)', capacity.perEvent.reportedWru, '', '']);
  summary.push(['RRU per event (adapter model)', capacity.perEvent.modelRru, '', '']);
  summary.push(['  RRU per event (DynamoDB Local ConsumedCapacity)', capacity.perEvent.reportedRru, '', '']);
  summary.push(['RRU per results request', capacity.perResultsRequest.modelRru, '', '']);
}
const resultsCases = figures<Awaited<ReturnType<typeof measureResultsLatency>>>('results');
if (resultsCases) {
  for (const each of resultsCases) summary.push([`results p50 / p99 ms, ${each.name} (${each.counterItems} items)`, `${each.p50Ms} / ${each.p99Ms}`, '', '']);
  const [small, large] = resultsCases;
  if (small && large) {
    const flat = large.counterItems === small.counterItems && large.p50Ms <= small.p50Ms * TARGETS.resultsLatencyRatio;
    summary.push(['results latency 1 M vs 1 k events (same days)', `×${round(large.p50Ms / small.p50Ms, 2)}`, `flat (≤ ×${TARGETS.resultsLatencyRatio})`, verdict(flat)]);
  }
}
const analyze = figures<Awaited<ReturnType<typeof measureAnalyze>>>('analyze');
if (analyze?.experimentsPerSecondInProcess) {
  summary.push(['upshot analyze, experiments/s (in process)', analyze.experimentsPerSecondInProcess, '', '']);
  summary.push(['upshot analyze, experiments/s (CLI process)', analyze.experimentsPerSecondCli ?? 'n/a', '', '']);
}
const cost = results['cost'] as { scenarios: ReturnType<typeof priceScenario>[]; storage: ReturnType<typeof storageCost> } | undefined;
if (cost) {
  cost.scenarios.forEach((scenario, index) => {
    const judged = index === 0;
    summary.push([`USD per million events: ${scenario.name}`, scenario.total, judged ? `≤ ${TARGETS.usdPerMillionEvents}` : '', judged ? verdict(scenario.total <= TARGETS.usdPerMillionEvents) : '']);
  });
  summary.push(['  storage per million events, USD per month kept', cost.storage.usdPerMonth, '', '']);
}
lines.push('', table(['figure', 'value', 'target', ''], summary));
const bundles = figures<Awaited<ReturnType<typeof measureBundles>>>('bundles');
if (bundles) {
  lines.push('', table(['Lambda bundle', 'minified bytes', 'gzip bytes', 'cold import ms', 'process ms'], bundles.map((each) => [each.handler, each.minifiedBytes, each.gzipBytes, each.coldImportMs, each.processMs])));
}
if (ingest) {
  lines.push('', table(['connections', 'events/request', 'events/s', 'requests/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'load'], ingest.map((each) => [each.concurrency, each.eventsPerRequest, each.eventsPerSecond, each.requestsPerSecond, each.p50Ms, each.p99Ms, each.non2xx, each.errors, `${each.loadBefore.load1}→${each.loadAfter.load1}`])));
}
if (cost) {
  const names = Object.keys(cost.scenarios[0]!.usdPerMillionEvents);
  lines.push('', table(['cost per million events (USD)', ...cost.scenarios.map((_, index) => `#${index + 1}`)], [...names.map((name) => [name, ...cost.scenarios.map((scenario) => scenario.usdPerMillionEvents[name]!)]), ['total', ...cost.scenarios.map((scenario) => scenario.total)]]));
  lines.push(cost.scenarios.map((scenario, index) => `#${index + 1}: ${scenario.name}`).join('\n'));
}
lines.push('', `Written to ${RESULTS_FILE}`);
console.log(lines.join('\n'));

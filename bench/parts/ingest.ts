import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { assign } from '../../sdk/src/assign.ts';
import type { ExperimentConfig } from '../../sdk/src/config.ts';
import { primaryGoal } from '../../functions/src/domain/experiment.ts';
import { freePort, readKey, startPlatformProcess, stopPlatformProcess } from '../../functions/test/e2e/platform-process.ts';
import { childPids, processCpuSeconds, sampleLoad, type LoadSample } from '../lib/machine.ts';

export interface IngestCell {
  concurrency: number;
  eventsPerRequest: number;
  seconds: number;
  requests: number;
  eventsAccepted: number;
  eventsPerSecond: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  /** CPU milliseconds the platform's Node process spent per request (the handler's work, HTTP included). */
  serverCpuMsPerRequest: number | null;
  /** CPU milliseconds DynamoDB Local's JVM spent per request. */
  databaseCpuMsPerRequest: number | null;
  loadBefore: LoadSample;
  loadAfter: LoadSample;
}

export interface IngestOptions {
  concurrencies: number[];
  eventsPerRequest: number[];
  secondsPerCell: number;
}

/**
 * A stream of distinct, valid beacons for the demo experiment: each request carries whole
 * visitor journeys (an exposure, then a purchase, for visitors the shared `assign` places, so
 * the tamper guard accepts them); an odd count ends with a lone exposure.
 */
function beaconFactory(config: ExperimentConfig, eventsPerRequest: number): () => string {
  const goal = primaryGoal(config);
  const prefix = randomUUID().slice(0, 8);
  let sequence = 0;
  return () => {
    const events: Record<string, unknown>[] = [];
    const ts = Date.now();
    while (events.length < eventsPerRequest) {
      let visitor = '';
      let variant: string | null = null;
      while (variant === null) {
        visitor = `${prefix}-${(sequence++).toString(36)}`;
        variant = assign(config, visitor);
      }
      const base = { experiment: config.key, variant, visitor, phase: config.phase };
      events.push({ ...base, id: `${visitor}-e`, type: 'exposure', ts });
      if (events.length < eventsPerRequest) {
        events.push({ ...base, id: `${visitor}-c`, type: 'conversion', goal: goal.key, ...(goal.revenue ? { revenue: 4_990, currency: config.currency } : {}), ts: ts + 1 });
      }
    }
    return JSON.stringify({ events });
  };
}

/**
 * Ingest through the local HTTP API exactly as `npm start` serves it (its own DynamoDB Local
 * with data on disk, the stream poller and aggregator running alongside), driven by autocannon
 * with keep-alive connections; every response is parsed and its accepted count summed.
 */
export async function measureIngest(options: IngestOptions, log: (line: string) => void): Promise<IngestCell[]> {
  const data = await mkdtemp(join(tmpdir(), 'upshot-bench-ingest-'));
  const platform = await startPlatformProcess(data, await freePort());
  try {
    const sdkKey = await readKey(data, 'sdk-key');
    const { experiments } = (await (await fetch(`${platform.url}/v1/config?key=${sdkKey}`)).json()) as { experiments: ExperimentConfig[] };
    const config = experiments.find((experiment) => experiment.key === 'hero-offer');
    if (!config) throw new Error('The demo experiment "hero-offer" is not running on the platform.');
    const url = `${platform.url.replace('localhost', '127.0.0.1')}/v1/events?key=${sdkKey}`;
    const serverPid = platform.child.pid!;

    const run = async (concurrency: number, eventsPerRequest: number, seconds: number) => {
      const next = beaconFactory(config, eventsPerRequest);
      let accepted = 0;
      let refused = 0;
      const database = childPids(serverPid).find((pid) => processCpuSeconds(pid) !== null);
      const cpuBefore = [processCpuSeconds(serverPid), database ? processCpuSeconds(database) : null];
      const result = await autocannon({
        url,
        connections: concurrency,
        duration: seconds,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'text/plain' },
            setupRequest: (request) => ({ ...request, body: next() }),
            onResponse: (status, body) => {
              if (status !== 200) return;
              const parsed = JSON.parse(body) as { accepted: number; rejected: unknown[] };
              accepted += parsed.accepted;
              refused += parsed.rejected.length;
            },
          },
        ],
      });
      const cpuAfter = [processCpuSeconds(serverPid), database ? processCpuSeconds(database) : null];
      if (refused > 0) throw new Error(`The platform refused ${refused} events the benchmark built as valid.`);
      const perRequest = (index: number) =>
        cpuBefore[index] != null && cpuAfter[index] != null && result.requests.total > 0
          ? Math.round(((cpuAfter[index]! - cpuBefore[index]!) * 1000 * 100) / result.requests.total) / 100
          : null;
      return { result, accepted, serverCpu: perRequest(0), databaseCpu: perRequest(1) };
    };

    log('ingest: warming up (3 s at 16 connections, 10 events per request)…');
    await run(16, 10, 3);
    const cells: IngestCell[] = [];
    for (const concurrency of options.concurrencies) {
      for (const eventsPerRequest of options.eventsPerRequest) {
        const loadBefore = sampleLoad();
        // Heavy cells answer in seconds: a longer window lets every connection complete several requests.
        const seconds = options.secondsPerCell * (concurrency >= 64 || eventsPerRequest >= 50 ? 2.5 : 1);
        const { result, accepted, serverCpu, databaseCpu } = await run(concurrency, eventsPerRequest, seconds);
        const cell: IngestCell = {
          concurrency,
          eventsPerRequest,
          seconds: result.duration,
          requests: result.requests.total,
          eventsAccepted: accepted,
          eventsPerSecond: Math.round(accepted / result.duration),
          requestsPerSecond: Math.round(result.requests.total / result.duration),
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
          non2xx: result.non2xx,
          errors: result.errors,
          serverCpuMsPerRequest: serverCpu,
          databaseCpuMsPerRequest: databaseCpu,
          loadBefore,
          loadAfter: sampleLoad(),
        };
        log(`ingest: ${concurrency} connections × ${eventsPerRequest} events/request: ${cell.eventsPerSecond} events/s, p50 ${cell.p50Ms} ms, p99 ${cell.p99Ms} ms (load ${cell.loadBefore.load1}→${cell.loadAfter.load1})`);
        cells.push(cell);
      }
    }
    return cells;
  } finally {
    await stopPlatformProcess(platform);
    await rm(data, { recursive: true, force: true });
  }
}

import { assign } from '@upshot/sdk/assign';
import type { ExperimentConfig } from '@upshot/sdk/config';
import { primaryGoal } from '../domain/experiment.ts';
import { seededRandom } from './seeded-random.ts';

/** What the simulator sent, deduplicated the way the platform must count it (DESIGN §5). */
export interface GroundTruth {
  experiment: string;
  phase: number;
  goal: string;
  variants: Record<string, VariantTruth>;
  sent: { requests: number; events: number; duplicateRequests: number; retries: number };
}

export interface VariantTruth {
  visitors: number;
  conversions: number;
  /** Minor units. */
  revenue: number;
  abandonments: Record<string, number>;
  recovered: Record<string, number>;
}

export interface SimulationOptions {
  url: string;
  sdkKey: string;
  experiment: string;
  visitors: number;
  /** Relative lift of every non-control variant's conversion rate. */
  lift: number;
  /** Conversion rate of the control. */
  baseline?: number;
  concurrency?: number;
  /** Share of requests sent twice, the copy from another sender at the same moment; 1 sends everything twice. */
  duplicates?: number;
  /** Visitors per request. */
  visitorsPerRequest?: number;
  seed?: number;
  /** Give up on a request that keeps failing after this long. */
  retryForMs?: number;
  onProgress?: (done: number, total: number) => void;
}

type Event = Record<string, unknown>;

function uuid(next: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export class SimulationError extends Error {}

async function fetchConfig(options: SimulationOptions): Promise<ExperimentConfig> {
  const response = await fetch(`${options.url}/v1/config?key=${encodeURIComponent(options.sdkKey)}`);
  if (!response.ok) throw new SimulationError(`GET /v1/config answered ${response.status}: ${await response.text()}`);
  const { experiments } = (await response.json()) as { experiments: ExperimentConfig[] };
  const config = experiments.find((experiment) => experiment.key === options.experiment);
  if (!config) {
    throw new SimulationError(`Experiment "${options.experiment}" is not running. Running: ${experiments.map((experiment) => experiment.key).join(', ') || 'none'}.`);
  }
  return config;
}

/**
 * One visitor's journey: exposure; maybe a stage or two; an abandonment at the deepest stage
 * reached unless they buy; some abandoners come back and buy (recovered); some buy twice.
 */
function visitorJourney(config: ExperimentConfig, goal: ExperimentConfig['goals'][number], visitor: string, variant: string, conversionRate: number, next: () => number, now: number) {
  const base = { experiment: config.key, variant, visitor, phase: config.phase };
  const context = { url: 'https://shop.example/offer', device: next() < 0.6 ? 'mobile' : 'desktop', utm_source: 'newsletter' };
  const ts = now - Math.floor(next() * 3_600_000);
  const events: Event[] = [{ ...base, id: uuid(next), type: 'exposure', ts, context }];
  const converts = next() < conversionRate;
  const reached = converts ? config.stages.length : config.stages.filter((_, index) => next() < 0.5 / (index + 1)).length;
  const abandonedStage = reached > 0 && (!converts || next() < 0.25) ? config.stages[reached - 1] : undefined;
  if (abandonedStage) events.push({ ...base, id: uuid(next), type: 'abandonment', stage: abandonedStage, reason: 'left', ts: ts + 60_000 });
  let revenue = 0;
  if (converts) {
    const purchases = next() < 0.1 ? 2 : 1;
    for (let purchase = 0; purchase < purchases; purchase++) {
      const amount = goal.revenue ? 990 + Math.floor(next() * 9_000) : 0;
      revenue += amount;
      events.push({ ...base, id: uuid(next), type: 'conversion', goal: goal.key, ...(goal.revenue ? { revenue: amount, currency: config.currency } : {}), ts: ts + 120_000 + purchase * 1_000 });
    }
  }
  return { events, converts, revenue, abandonedStage, recovered: Boolean(abandonedStage && converts) };
}

async function sendWithRetry(url: string, body: string, retryForMs: number, onRetry: () => void): Promise<{ accepted: number; duplicates: number; rejected: unknown[] }> {
  const deadline = Date.now() + retryForMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body, signal: AbortSignal.timeout(15_000) });
      if (response.ok) return (await response.json()) as { accepted: number; duplicates: number; rejected: unknown[] };
      if (response.status < 500 && response.status !== 429) throw new SimulationError(`POST /v1/events answered ${response.status}: ${await response.text()}`);
    } catch (error) {
      if (error instanceof SimulationError) throw error;
    }
    if (Date.now() > deadline) throw new SimulationError(`POST /v1/events kept failing for ${retryForMs} ms.`);
    onRetry();
    await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 50 * 2 ** attempt)));
  }
}

/**
 * Sends synthetic traffic for one running experiment through the real HTTP API, the way pages
 * do (text/plain beacons, client event ids), with duplicate copies racing each other and
 * retries through failures, and returns the ground truth it sent.
 */
export async function simulate(options: SimulationOptions): Promise<GroundTruth> {
  const config = await fetchConfig(options);
  const next = seededRandom(options.seed ?? Date.now());
  const baseline = options.baseline ?? 0.05;
  const goal = primaryGoal(config);
  const control = config.variants.find((variant) => variant.control)?.key ?? config.variants[0]!.key;
  const truth: GroundTruth = { experiment: config.key, phase: config.phase, goal: goal.key, variants: {}, sent: { requests: 0, events: 0, duplicateRequests: 0, retries: 0 } };
  for (const variant of config.variants) {
    truth.variants[variant.key] = {
      visitors: 0,
      conversions: 0,
      revenue: 0,
      abandonments: Object.fromEntries(config.stages.map((stage) => [stage, 0])),
      recovered: Object.fromEntries(config.stages.map((stage) => [stage, 0])),
    };
  }

  const now = Date.now();
  const perRequest = options.visitorsPerRequest ?? 5;
  const queue: { body: string; events: number; copy: boolean }[] = [];
  let batch: Event[] = [];
  let included = 0;
  const flush = () => {
    if (!batch.length) return;
    const body = JSON.stringify({ events: batch });
    queue.push({ body, events: batch.length, copy: false });
    if (next() < (options.duplicates ?? 0)) queue.push({ body, events: batch.length, copy: true });
    batch = [];
  };
  for (let index = 0; index < options.visitors; index++) {
    const visitorId = uuid(next);
    const variant = assign(config, visitorId);
    if (!variant) continue;
    const journey = visitorJourney(config, goal, visitorId, variant, variant === control ? baseline : baseline * (1 + options.lift), next, now);
    const counts = truth.variants[variant]!;
    counts.visitors++;
    if (journey.converts) counts.conversions++;
    counts.revenue += journey.revenue;
    if (journey.abandonedStage) counts.abandonments[journey.abandonedStage]!++;
    if (journey.recovered && journey.abandonedStage) counts.recovered[journey.abandonedStage]!++;
    batch.push(...journey.events);
    if (++included % perRequest === 0) flush();
  }
  flush();

  const endpoint = `${options.url}/v1/events?key=${encodeURIComponent(options.sdkKey)}`;
  const retryForMs = options.retryForMs ?? 120_000;
  let cursor = 0;
  let done = 0;
  const senders = Array.from({ length: Math.max(1, options.concurrency ?? 16) }, async () => {
    while (cursor < queue.length) {
      const item = queue[cursor++]!;
      const result = await sendWithRetry(endpoint, item.body, retryForMs, () => truth.sent.retries++);
      if (result.rejected.length > 0) throw new SimulationError(`The platform refused events it should accept: ${JSON.stringify(result.rejected.slice(0, 3))}`);
      truth.sent.requests++;
      truth.sent.events += item.events;
      if (item.copy) truth.sent.duplicateRequests++;
      options.onProgress?.(++done, queue.length);
    }
  });
  await Promise.all(senders);
  return truth;
}

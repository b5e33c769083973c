import { chooseVariant } from '@upshot/sdk/assign';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toExperimentConfig } from '../../src/domain/index.ts';
import type { StreamPoller } from '../../src/local/stream-poller.ts';
import type { Deps } from '../../src/use-cases/deps.ts';
import { offerExperiment as issueDocument, startInProcessPlatform, type InProcessPlatform } from '../support/in-process-platform.ts';

let platform: InProcessPlatform;
let poller: StreamPoller;
let deps: Deps;
let base: string;
let admin: string;
let analyst: string;
let sdk: string;

beforeAll(async () => {
  platform = await startInProcessPlatform({ name: 'api', poller: true });
  ({ deps, base } = platform);
  poller = platform.poller!;
  ({ admin, analyst, sdk } = platform.keys);
});

afterAll(async () => {
  await platform?.stop();
});

const call = async (method: string, path: string, options: { key?: string; body?: unknown; raw?: string; contentType?: string; origin?: string } = {}) => {
  const headers: Record<string, string> = {};
  if (options.key) headers['authorization'] = `Bearer ${options.key}`;
  if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  if (options.origin) headers['origin'] = options.origin;
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
};

const now = () => Date.now();
let sequence = 0;
const eventId = () => `00000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`;

describe('management API', () => {
  it('answers health without a key', async () => {
    const response = await call('GET', '/v1/health');
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ok');
  });

  it('refuses a request without a key with 401 and the JSON error shape', async () => {
    const response = await call('GET', '/v1/experiments');
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: 'unauthorized', message: expect.stringContaining('Bearer') });
  });

  it('accepts the issue document and creates a draft', async () => {
    const response = await call('POST', '/v1/experiments', { key: admin, body: issueDocument });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ key: 'hero-offer', status: 'draft', phase: 0, margin: 0.4, currency: 'EUR' });
    expect(response.body.costs.B).toEqual({ fixed: 500, perVisitor: 0, perConversion: 2, revenueShare: 0.1 });
  });

  it('refuses a second experiment with the same key with 409', async () => {
    const response = await call('POST', '/v1/experiments', { key: admin, body: issueDocument });
    expect(response.status).toBe(409);
  });

  it('forbids an analyst to write and lets them read', async () => {
    expect((await call('POST', '/v1/experiments/hero-offer/launch', { key: analyst })).status).toBe(403);
    expect((await call('GET', '/v1/experiments/hero-offer', { key: analyst })).status).toBe(200);
  });

  it('names the invalid field in a 400 with details', async () => {
    const response = await call('POST', '/v1/experiments', {
      key: admin,
      body: { ...issueDocument, key: 'other', variants: [{ key: 'A', weight: 0.7 }, { key: 'B', weight: 0.7 }] },
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('validation_failed');
    expect(response.body.message).toContain('add up to 1');
    expect(response.body.details.issues[0].path).toBe('variants');
  });

  it('answers 400 for malformed JSON and 415 for another content type', async () => {
    expect((await call('POST', '/v1/experiments', { key: admin, raw: '{"key":' })).body.error).toBe('invalid_json');
    const wrongType = await call('POST', '/v1/experiments', { key: admin, raw: 'key=x', contentType: 'application/x-www-form-urlencoded' });
    expect(wrongType.status).toBe(415);
  });

  it('answers 400 for a body nested deeper than 32 levels, however small', async () => {
    const deep = `{"key":"deep","name":"x","variants":[{"key":"A","weight":1,"payload":{"a":${'['.repeat(5_000)}${']'.repeat(5_000)}}}]}`;
    const response = await call('POST', '/v1/experiments', { key: admin, raw: deep });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain('deeper than 32');
  });

  it('edits a draft and refuses an edit once it runs', async () => {
    const edited = await call('PATCH', '/v1/experiments/hero-offer', { key: admin, body: { hypothesis: 'A percentage sells better.' } });
    expect(edited.status).toBe(200);
    expect(edited.body.hypothesis).toBe('A percentage sells better.');
    const launched = await call('POST', '/v1/experiments/hero-offer/launch', { key: admin });
    expect(launched.body).toMatchObject({ status: 'running', phase: 1 });
    const refused = await call('PATCH', '/v1/experiments/hero-offer', { key: admin, body: { coverage: 0.5 } });
    expect(refused.status).toBe(409);
  });

  it('answers an illegal transition with 409 naming the allowed actions', async () => {
    const response = await call('POST', '/v1/experiments/hero-offer/resume', { key: admin });
    expect(response.status).toBe(409);
    expect(response.body.details.allowed).toEqual(['pause', 'stop', 'phase']);
  });

  it('refuses changes sent with an action other than phase, and leaves the experiment as it was', async () => {
    const before = await deps.store.getExperiment('hero-offer');
    const response = await call('POST', '/v1/experiments/hero-offer/pause', { key: admin, body: { coverage: 0.2 } });
    expect(response.status).toBe(400);
    expect(response.body.message).toBe('Invalid request body: coverage: "pause" takes no changes; send them with the "phase" action, or edit a draft.');
    expect(await deps.store.getExperiment('hero-offer')).toEqual(before);
    const empty = await call('POST', '/v1/experiments/hero-offer/resume', { key: admin, body: {} });
    expect(empty.status).toBe(409);
  });

  it('answers 404 for an unknown experiment and an unknown route', async () => {
    expect((await call('GET', '/v1/experiments/nope', { key: admin })).status).toBe(404);
    expect((await call('GET', '/v1/nothing-here')).status).toBe(404);
  });
});

describe('public API', () => {
  it('serves running experiments in /v1/config with an ETag and 304 on a match', async () => {
    const first = await fetch(`${base}/v1/config?key=${sdk}`);
    const body = (await first.json()) as { experiments: { key: string; seed: string }[] };
    expect(body.experiments.map((experiment) => experiment.key)).toEqual(['hero-offer']);
    const etag = first.headers.get('etag')!;
    const second = await fetch(`${base}/v1/config?key=${sdk}`, { headers: { 'if-none-match': etag } });
    expect(second.status).toBe(304);
  });

  it('refuses a missing SDK key and a page on another origin', async () => {
    expect((await call('GET', '/v1/config')).status).toBe(401);
    const foreign = await call('GET', `/v1/config?key=${sdk}`, { origin: 'https://evil.example.net' });
    expect(foreign.status).toBe(403);
    const allowed = await call('GET', `/v1/config?key=${sdk}`, { origin: 'https://shop.example.com' });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
  });

  it('assigns through /v1/assign with the variant the shared assign gives', async () => {
    const experiment = (await deps.store.getExperiment('hero-offer'))!;
    const response = await call('POST', `/v1/assign?key=${sdk}`, { body: { visitor: 'visitor-assign-1' } });
    expect(response.status).toBe(200);
    const expected = chooseVariant(toExperimentConfig(experiment), 'visitor-assign-1');
    expect(response.body.assignments['hero-offer'].variant).toBe(expected);
  });

  it('counts each event once, refuses tampered and unexposed ones, and reports every event', async () => {
    const experiment = (await deps.store.getExperiment('hero-offer'))!;
    const variant = chooseVariant(toExperimentConfig(experiment), 'visitor-events-1')!;
    const other = variant === 'A' ? 'B' : 'A';
    const base = { experiment: 'hero-offer', visitor: 'visitor-events-1', ts: now() };
    const events = [
      { ...base, id: eventId(), type: 'exposure', variant },
      { ...base, id: eventId(), type: 'conversion', variant, goal: 'purchase', revenue: 2500, currency: 'EUR' },
      { ...base, id: eventId(), type: 'conversion', variant: other, goal: 'purchase' },
      { ...base, visitor: 'never-exposed', id: eventId(), type: 'abandonment', variant, stage: 'cart' },
      { ...base, id: 'x', type: 'exposure', variant },
    ];
    const first = await call('POST', `/v1/events?key=${sdk}`, { raw: JSON.stringify({ events }), contentType: 'text/plain' });
    expect(first.status).toBe(200);
    expect(first.body.accepted).toBe(2);
    expect(first.body.rejected.map((rejection: { index: number; reason: string }) => [rejection.index, rejection.reason])).toEqual([
      [2, 'variant_mismatch'],
      [3, 'not_exposed'],
      [4, 'invalid_event'],
    ]);
    const again = await call('POST', `/v1/events?key=${sdk}`, { body: { events: events.slice(0, 2) } });
    expect(again.body).toEqual({ accepted: 0, duplicates: 2, rejected: [] });
  });

  it('answers 413 for a body over 64 KiB and 400 for more than 100 events', async () => {
    const huge = await call('POST', `/v1/events?key=${sdk}`, { raw: JSON.stringify({ events: [{ pad: 'x'.repeat(70_000) }] }) });
    expect(huge.status).toBe(413);
    const many = await call('POST', `/v1/events?key=${sdk}`, { body: { events: Array.from({ length: 101 }, () => ({})) } });
    expect(many.status).toBe(400);
  });

  it('returns the counts document once the aggregator has run', async () => {
    await poller.drain(20_000);
    const response = await call('GET', '/v1/experiments/hero-offer/results', { key: analyst });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ experiment: 'hero-offer', phase: 1, goal: 'purchase' });
    const experiment = (await deps.store.getExperiment('hero-offer'))!;
    const variant = chooseVariant(toExperimentConfig(experiment), 'visitor-events-1')!;
    const assigned = chooseVariant(toExperimentConfig(experiment), 'visitor-assign-1')!;
    const counts = Object.fromEntries(response.body.variants.map((row: { key: string }) => [row.key, row]));
    const visitors = { A: 0, B: 0 } as Record<string, number>;
    visitors[variant]! += 1;
    visitors[assigned]! += 1;
    expect(counts.A.visitors).toBe(visitors.A);
    expect(counts.B.visitors).toBe(visitors.B);
    expect(counts[variant].conversions).toBe(1);
    expect(counts[variant].revenue).toBe(2500);
    expect(counts[variant].revenueSquares).toBe(6_250_000);
    expect(response.body.daily.length).toBeGreaterThan(0);
  });

  it('projects the monthly profit for ?visitorsPerMonth= and refuses a negative one', async () => {
    const projected = await call('GET', '/v1/experiments/hero-offer/results?visitorsPerMonth=10000', { key: analyst });
    expect(projected.status).toBe(200);
    expect(projected.body.settings.visitorsPerMonth).toBe(10_000);
    const refused = await call('GET', '/v1/experiments/hero-offer/results?visitorsPerMonth=-1', { key: analyst });
    expect(refused.status).toBe(400);
  });
});

describe('key management', () => {
  it('shows a new API key once, lists it without its hash, and revokes it', async () => {
    const created = await call('POST', '/v1/api-keys', { key: admin, body: { label: 'temporary', role: 'analyst' } });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^upk_/);
    expect((await call('GET', '/v1/experiments', { key: created.body.key })).status).toBe(200);
    const listed = await call('GET', '/v1/api-keys', { key: admin });
    const entry = listed.body.keys.find((key: { id: string }) => key.id === created.body.id);
    expect(entry).toMatchObject({ label: 'temporary', role: 'analyst' });
    expect(entry.hash).toBeUndefined();
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    expect((await call('DELETE', `/v1/api-keys/${created.body.id}`, { key: admin })).status).toBe(200);
    expect((await call('GET', '/v1/experiments', { key: created.body.key })).status).toBe(401);
  });

  it('creates an SDK key with its origins and refuses a malformed origin', async () => {
    const created = await call('POST', '/v1/sdk-keys', { key: admin, body: { label: 'blog', origins: ['https://*.example.org'] } });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^ups_/);
    const bad = await call('POST', '/v1/sdk-keys', { key: admin, body: { label: 'bad', origins: ['javascript:alert(1)'] } });
    expect(bad.status).toBe(400);
  });
});

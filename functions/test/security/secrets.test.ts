import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { chooseVariant } from '@upshot/sdk/assign';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toExperimentConfig, type Experiment } from '../../src/domain/index.ts';
import { testClientConfig } from '../support/dynamodb.ts';
import { captureConsole, type ConsoleCapture } from '../reliability/support/console-capture.ts';
import { injectFaults, type FaultInjector } from '../reliability/support/dynamodb-faults.ts';
import { send, type RawResponse } from '../reliability/support/http-client.ts';
import { launchExperiment, startInProcessPlatform, type InProcessPlatform } from '../support/in-process-platform.ts';

let platform: InProcessPlatform;
let experiment: Experiment;
let faults: FaultInjector;
let conflicts = false;
let output: ConsoleCapture;

beforeAll(async () => {
  const ingestClient = new DynamoDBClient(testClientConfig());
  faults = injectFaults(ingestClient, { rate: 0, seed: 3, commands: ['PutItemCommand'], kinds: ['internal'] });
  // Every visitor-state write loses the race to a concurrent writer while `conflicts` is on.
  ingestClient.middlewareStack.add(
    (next, context) => async (args) => {
      if (conflicts && context.commandName === 'PutItemCommand') {
        throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: { httpStatusCode: 400 } });
      }
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'upshotConflictInjection' },
  );
  platform = await startInProcessPlatform({ name: 'secrets', ingestClient });
  experiment = await launchExperiment(platform.deps);
});

afterAll(async () => {
  await platform?.stop();
});

beforeEach(() => {
  output = captureConsole();
});

afterEach(() => {
  output.restore();
  faults.setRate(0);
  conflicts = false;
});

/** Whether `text` holds any 8-character piece of `secret`: a partial echo leaks too. */
function leaks(text: string, secret: string, piece = 8): boolean {
  for (let start = 0; start + piece <= secret.length; start++) if (text.includes(secret.slice(start, start + piece))) return true;
  return false;
}

const secrets = () => [platform.keys.admin, platform.keys.analyst, platform.keys.sdk];

function expectNoLeak(where: string, text: string, visitorIds: string[]): void {
  for (const secret of [...secrets(), ...visitorIds]) expect(leaks(text, secret), `${where} contains (part of) ${secret}: ${text.slice(0, 600)}`).toBe(false);
}

const events = (visitor: string, overrides: Record<string, unknown>[] = [{}]) => {
  const variant = chooseVariant(toExperimentConfig(experiment), visitor)!;
  return overrides.map((override, index) => ({
    id: `${visitor}-event-${index}`.replace(/[^A-Za-z0-9_-]/g, '-').padEnd(8, '0'),
    type: 'exposure',
    experiment: 'hero-offer',
    variant,
    visitor,
    ts: Date.now(),
    ...override,
  }));
};

const postEvents = (body: string, headers: Record<string, string> = {}): Promise<RawResponse> =>
  send(platform.base, { method: 'POST', path: `/v1/events?key=${platform.keys.sdk}`, headers: { 'content-type': 'text/plain', ...headers }, body });

describe('error bodies', () => {
  it('name neither the visitor nor any key when events are refused', async () => {
    const visitor = 'qz7-refused-4711';
    const variant = chooseVariant(toExperimentConfig(experiment), visitor)!;
    const refused = events(visitor, [
      { variant: variant === 'A' ? 'B' : 'A' },
      { type: 'conversion', goal: 'purchase', revenue: 100 },
      { type: 'abandonment', stage: 'cart' },
      { visitor: `${visitor} with space` },
      { ts: 1 },
      { experiment: 'nope' },
    ]);
    const response = await postEvents(JSON.stringify({ events: refused }));
    expect(response.status).toBe(200);
    expect((response.json as { rejected: unknown[] }).rejected).toHaveLength(refused.length);
    expectNoLeak('the refusal', response.text, [visitor]);
  });

  it('name no key when a key is refused', async () => {
    const unknownAdmin = `upk_${'Q'.repeat(32)}`;
    const unknownSdk = `ups_${'Q'.repeat(32)}`;
    const answers: RawResponse[] = [
      await send(platform.base, { method: 'GET', path: '/v1/experiments', headers: { authorization: `Bearer ${unknownAdmin}` } }),
      await send(platform.base, { method: 'GET', path: '/v1/experiments', headers: { authorization: `Bearer ${platform.keys.sdk}` } }),
      await send(platform.base, { method: 'POST', path: '/v1/api-keys', headers: { authorization: `Bearer ${platform.keys.analyst}`, 'content-type': 'application/json' }, body: '{"label":"x","role":"admin"}' }),
      await send(platform.base, { method: 'GET', path: `/v1/config?key=${unknownSdk}` }),
      await send(platform.base, { method: 'GET', path: `/v1/config?key=${platform.keys.admin}` }),
      await send(platform.base, { method: 'GET', path: `/v1/config?key=${platform.keys.sdk}`, headers: { origin: 'https://evil.example.net' } }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      for (const secret of [...secrets(), unknownAdmin, unknownSdk]) expect(leaks(answer.text, secret), answer.text).toBe(false);
    }
  });

  it('do not quote the request body back when it is not JSON', async () => {
    const visitor = 'qz7-quoted-0815';
    const broken = [
      `{"events":[{"id":"6f1c0c52-0001-4c1e-9a57-7d2f1e0a0001","type":"exposure","experiment":"hero-offer","variant":"A","visitor":${visitor},"ts":1}]}`,
      `{"events":[{"visitor":"x"}]} ${visitor}`,
      `${platform.keys.sdk}`,
    ];
    for (const body of broken) {
      const response = await postEvents(body);
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ error: 'invalid_json' });
      expectNoLeak('a syntax error', response.text, [visitor]);
    }
    const key = await send(platform.base, {
      method: 'POST',
      path: '/v1/api-keys',
      headers: { authorization: `Bearer ${platform.keys.admin}`, 'content-type': 'application/json' },
      body: `{"label": ${platform.keys.admin}}`,
    });
    expect(key.status).toBe(400);
    expectNoLeak('a syntax error', key.text, []);
  });
});

describe('logs', () => {
  it('record a failed request with the route and error, never with the visitor, the key or the body', async () => {
    const visitor = 'qz7-outage-2024';
    faults.setRate(1);
    const response = await postEvents(JSON.stringify({ events: events(visitor) }), { origin: 'https://shop.example.com' });
    expect(response.status).toBe(500);
    expect(response.json).toEqual({ error: 'internal_error', message: expect.any(String) });
    expectNoLeak('the 500 body', response.text, [visitor]);
    const lines = output.lines();
    expect(lines.some((line) => line.includes('"request failed"') && line.includes('"events"'))).toBe(true);
    expectNoLeak('the log', lines.join('\n'), [visitor]);
  });

  it('do not name the visitor when their state keeps changing under concurrent writes', async () => {
    const visitor = 'qz7-contended-1999';
    conflicts = true;
    const response = await postEvents(JSON.stringify({ events: events(visitor) }));
    expect(response.status).toBe(500);
    expectNoLeak('the 500 body', response.text, [visitor]);
    const lines = output.lines();
    expect(lines.some((line) => line.includes('"request failed"'))).toBe(true);
    expectNoLeak('the log', lines.join('\n'), [visitor]);
  });

  it('stay silent about refused requests, whatever they carried', async () => {
    const visitor = 'qz7-silent-3141';
    await postEvents(JSON.stringify({ events: events(visitor, [{ ts: 1 }, { variant: 'Z' }]) }));
    await postEvents(`{"events":[{"visitor":${visitor}}]}`);
    await send(platform.base, { method: 'GET', path: '/v1/experiments', headers: { authorization: `Bearer ${platform.keys.sdk}` } });
    await send(platform.base, { method: 'GET', path: `/v1/config?key=${platform.keys.sdk}`, headers: { origin: 'https://evil.example.net' } });
    expectNoLeak('the log', output.lines().join('\n'), [visitor]);
  });
});

import { randomUUID } from 'node:crypto';
import { chooseVariant } from '@upshot/sdk/assign';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toExperimentConfig, type Experiment } from '../../src/domain/index.ts';
import { makeHandler } from '../../src/handlers/sdk-endpoint.ts';
import { visitorKeyString } from '../../src/store/store.ts';
import { launchExperiment, startInProcessPlatform, type InProcessPlatform } from '../support/in-process-platform.ts';

const ORIGIN = 'https://shop.example.com';
let platform: InProcessPlatform;
let experiment: Experiment;
let handler: ReturnType<typeof makeHandler>;

beforeAll(async () => {
  platform = await startInProcessPlatform({ name: 'sdk-endpoint' });
  experiment = await launchExperiment(platform.deps);
  handler = makeHandler(platform.deps);
});

afterAll(async () => {
  await platform?.stop();
});

/**
 * An invocation as a Lambda function URL sends it (payload format 2.0): every path arrives with
 * routeKey `$default` and no path parameters; query and headers as the browser sent them.
 */
function functionUrlEvent(method: string, pathAndQuery: string, options: { body?: string; contentType?: string; headers?: Record<string, string> } = {}): APIGatewayProxyEventV2 {
  const url = new URL(pathAndQuery, 'https://abcdefghij.lambda-url.eu-central-1.on.aws');
  const headers: Record<string, string> = { host: url.host, origin: ORIGIN, ...options.headers };
  if (options.contentType) headers['content-type'] = options.contentType;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abcdefghij',
      domainName: url.host,
      domainPrefix: 'abcdefghij',
      http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'test' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: '22/Nov/2026:12:00:00 +0000',
      timeEpoch: Date.now(),
    },
    body: options.body,
    isBase64Encoded: false,
  };
}

/** Lambda hands every invocation a context object of its own. */
const context = () => ({ awsRequestId: randomUUID(), functionName: 'upshot-sdk-endpoint' }) as Context;

async function invoke(method: string, pathAndQuery: string, options?: Parameters<typeof functionUrlEvent>[2]) {
  const response = await handler(functionUrlEvent(method, pathAndQuery, options), context());
  return { status: response.statusCode, headers: response.headers ?? {}, body: response.body ? JSON.parse(response.body) : undefined };
}

describe('the SDK endpoint (one function behind a function URL)', () => {
  it('serves the config the HTTP API serves, with CORS for the allowed origin', async () => {
    const key = platform.keys.sdk;
    const direct = await invoke('GET', `/v1/config?key=${key}`);
    const viaApi = await fetch(`${platform.base}/v1/config?key=${key}`, { headers: { origin: ORIGIN } });
    expect(direct.status).toBe(200);
    expect(direct.body).toEqual(await viaApi.json());
    expect(direct.body.experiments.map((each: { key: string }) => each.key)).toEqual([experiment.key]);
    expect(direct.headers['access-control-allow-origin']).toBe(ORIGIN);
  });

  it('records a beacon of events once and counts its repetition as duplicates', async () => {
    const visitor = `visitor-${randomUUID()}`;
    const variant = chooseVariant(toExperimentConfig(experiment), visitor)!;
    const events = [
      { id: randomUUID(), type: 'exposure', experiment: experiment.key, variant, visitor, ts: Date.now() },
      { id: randomUUID(), type: 'conversion', experiment: experiment.key, variant, visitor, ts: Date.now(), goal: 'purchase', revenue: 1999, currency: 'EUR' },
    ];
    const beacon = { body: JSON.stringify({ events }), contentType: 'text/plain;charset=UTF-8' };
    const first = await invoke('POST', `/v1/events?key=${platform.keys.sdk}`, beacon);
    expect(first).toMatchObject({ status: 200, body: { accepted: 2, duplicates: 0, rejected: [] } });
    const again = await invoke('POST', `/v1/events?key=${platform.keys.sdk}`, beacon);
    expect(again.body).toEqual({ accepted: 0, duplicates: 2, rejected: [] });
    const key = { experiment: experiment.key, phase: experiment.phase, visitor };
    const states = await platform.deps.store.getVisitorStates([key]);
    expect(states.get(visitorKeyString(key))?.variant).toBe(variant);
  });

  it('assigns with the variant the shared assign gives', async () => {
    const visitor = `visitor-${randomUUID()}`;
    const response = await invoke('POST', `/v1/assign?key=${platform.keys.sdk}`, { body: JSON.stringify({ visitor }), contentType: 'application/json' });
    expect(response.status).toBe(200);
    expect(response.body.assignments[experiment.key].variant).toBe(chooseVariant(toExperimentConfig(experiment), visitor));
  });

  it('checks the SDK key and the origin like the public API', async () => {
    expect((await invoke('GET', '/v1/config')).status).toBe(401);
    const foreign = await invoke('GET', `/v1/config?key=${platform.keys.sdk}`, { headers: { origin: 'https://evil.example.net' } });
    expect(foreign).toMatchObject({ status: 403, body: { error: 'origin_not_allowed' } });
  });

  it('answers health, also to HEAD', async () => {
    expect((await invoke('GET', '/v1/health')).body).toMatchObject({ status: 'ok' });
    expect((await invoke('HEAD', '/v1/health')).status).toBe(200);
  });

  it('serves no management route, whatever key comes with the request', async () => {
    const response = await invoke('GET', '/v1/experiments', { headers: { authorization: `Bearer ${platform.keys.admin}` } });
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ error: 'not_found' });
    expect(response.body.message).toContain('/v1/events');
    for (const path of ['/', '/v1', '/v1/events/extra', `/v1/experiments/${experiment.key}/results`]) {
      expect((await invoke('GET', path)).status).toBe(404);
    }
  });

  it('answers a preflight from an origin on the SDK key\'s list, and no other', async () => {
    const ask = (origin: string, path = `/v1/events?key=${platform.keys.sdk}`, method = 'POST') =>
      invoke('OPTIONS', path, { headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'content-type' } });
    const allowed = await ask(ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers).toMatchObject({ 'access-control-allow-origin': ORIGIN, 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type, if-none-match' });
    for (const refused of [
      await ask('https://evil.example.net'),
      await ask(ORIGIN, '/v1/events?key=ups_unknown'),
      await ask(ORIGIN, '/v1/events'),
      await ask(ORIGIN, `/v1/events?key=${platform.keys.sdk}`, 'DELETE'),
      await ask(ORIGIN, `/v1/experiments?key=${platform.keys.sdk}`, 'GET'),
    ]) {
      expect(refused.status).toBe(204);
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('answers a wrong method with 405 naming the one it accepts', async () => {
    const response = await invoke('GET', `/v1/events?key=${platform.keys.sdk}`);
    expect(response).toMatchObject({ status: 405, body: { error: 'method_not_allowed', message: '/v1/events accepts POST.' } });
    expect((await invoke('DELETE', '/v1/config')).status).toBe(405);
  });
});

import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { chooseVariant } from '@upshot/sdk/assign';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toExperimentConfig, type Experiment } from '../../src/domain/index.ts';
import { routes, type RouteName } from '../../src/routes.ts';
import { testClientConfig } from '../support/dynamodb.ts';
import { send, type RawRequest, type RawResponse } from '../reliability/support/http-client.ts';
import { launchExperiment, offerExperiment, startInProcessPlatform, type InProcessPlatform } from '../support/in-process-platform.ts';
import { snapshotTable } from '../reliability/support/table-snapshot.ts';

let platform: InProcessPlatform;
let experiment: Experiment;

beforeAll(async () => {
  platform = await startInProcessPlatform({
    name: 'security',
    sdkOrigins: ['https://shop.example.com', 'https://*.example.org', 'http://localhost:*'],
  });
  experiment = await launchExperiment(platform.deps);
});

afterAll(async () => {
  await platform?.stop();
});

const call = (request: RawRequest): Promise<RawResponse> => send(platform.base, request);
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const json = { 'content-type': 'application/json' };

/**
 * One request per management route that would succeed with an admin key, so a refusal can only
 * come from the credentials. Revoke targets name ids that do not exist: with an admin key they 404.
 */
const managementRequests: Record<Exclude<RouteName, 'health' | 'config' | 'assign' | 'events'>, RawRequest> = {
  'experiments-list': { method: 'GET', path: '/v1/experiments' },
  'experiments-create': { method: 'POST', path: '/v1/experiments', headers: json, body: JSON.stringify({ ...offerExperiment, key: 'created-by-test' }) },
  'experiments-get': { method: 'GET', path: '/v1/experiments/hero-offer' },
  'experiments-update': { method: 'PATCH', path: '/v1/experiments/created-by-test', headers: json, body: '{"hypothesis":"Changed by the test."}' },
  'experiments-lifecycle': { method: 'POST', path: '/v1/experiments/created-by-test/archive' },
  results: { method: 'GET', path: '/v1/experiments/hero-offer/results' },
  'sdk-keys-list': { method: 'GET', path: '/v1/sdk-keys' },
  'sdk-keys-create': { method: 'POST', path: '/v1/sdk-keys', headers: json, body: '{"label":"Other shop","origins":["https://other.example.com"]}' },
  'sdk-keys-revoke': { method: 'DELETE', path: '/v1/sdk-keys/000000000000' },
  'api-keys-list': { method: 'GET', path: '/v1/api-keys' },
  'api-keys-create': { method: 'POST', path: '/v1/api-keys', headers: json, body: '{"label":"Someone","role":"admin"}' },
  'api-keys-revoke': { method: 'DELETE', path: '/v1/api-keys/000000000000' },
};
type ManagementRoute = keyof typeof managementRequests;
const managementRoutes = Object.keys(managementRequests) as ManagementRoute[];
const adminRoutes = managementRoutes.filter((name) => routes.find((route) => route.name === name)!.access === 'admin');
const readRoutes = managementRoutes.filter((name) => routes.find((route) => route.name === name)!.access === 'analyst');

const withHeaders = (request: RawRequest, headers: Record<string, string>): RawRequest => ({ ...request, headers: { ...request.headers, ...headers } });

function expectError(response: RawResponse, status: number, error: string): void {
  expect(response.status, response.text).toBe(status);
  expect(response.json).toMatchObject({ error, message: expect.any(String) });
}

describe('management API access', () => {
  it('covers every management route of the route table', () => {
    expect([...managementRoutes].sort()).toEqual(routes.filter((route) => route.access === 'admin' || route.access === 'analyst').map((route) => route.name).sort());
    expect(adminRoutes.length).toBeGreaterThan(0);
    expect(readRoutes).toEqual(expect.arrayContaining(['experiments-list', 'experiments-get', 'results']));
  });

  it('answers 401 on every management route without a key, with a malformed header or with a key it does not know', async () => {
    const unknownKey = `upk_${'A'.repeat(32)}`;
    const credentials: (Record<string, string> | undefined)[] = [
      undefined,
      { authorization: '' },
      { authorization: 'Bearer' },
      { authorization: `Basic ${Buffer.from(`admin:${platform.keys.admin}`).toString('base64')}` },
      { authorization: platform.keys.admin },
      { authorization: `Bearer ${platform.keys.admin} extra` },
      bearer(unknownKey),
      bearer(platform.keys.admin.slice(0, -1)),
      bearer(platform.keys.sdk),
      { 'x-api-key': platform.keys.admin },
    ];
    for (const name of managementRoutes) {
      for (const headers of credentials) {
        expectError(await call(withHeaders(managementRequests[name], headers ?? {})), 401, 'unauthorized');
      }
    }
    expect((await call(withHeaders(managementRequests['experiments-list'], { cookie: `key=${platform.keys.admin}` }))).status).toBe(401);
  });

  it('answers 401 on every management route to a key once it is revoked, and accepted it before', async () => {
    const created = await call({ method: 'POST', path: '/v1/api-keys', headers: { ...json, ...bearer(platform.keys.admin) }, body: '{"label":"Leaving admin","role":"admin"}' });
    expect(created.status).toBe(201);
    const { key, id } = created.json as { key: string; id: string };
    expect((await call(withHeaders(managementRequests['api-keys-list'], bearer(key)))).status).toBe(200);

    expect((await call({ method: 'DELETE', path: `/v1/api-keys/${id}`, headers: bearer(platform.keys.admin) })).status).toBe(200);
    for (const name of managementRoutes) {
      const response = await call(withHeaders(managementRequests[name], bearer(key)));
      expectError(response, 401, 'unauthorized');
      expect((response.json as { message: string }).message).toContain('revoked');
    }
  });

  it('answers 403 to an analyst on every admin route, reads included, and lets the analyst read experiments and results', async () => {
    for (const name of adminRoutes) expectError(await call(withHeaders(managementRequests[name], bearer(platform.keys.analyst))), 403, 'forbidden');
    for (const name of readRoutes) expect((await call(withHeaders(managementRequests[name], bearer(platform.keys.analyst)))).status).toBe(200);
    // An analyst cannot mint an admin key for themselves either.
    const escalation = await call({ method: 'POST', path: '/v1/api-keys', headers: { ...json, ...bearer(platform.keys.analyst) }, body: '{"label":"me","role":"admin"}' });
    expectError(escalation, 403, 'forbidden');
  });

  it('carries out the same requests for an admin, so the refusals above came from the credentials', async () => {
    const expected: Record<ManagementRoute, number> = {
      'experiments-list': 200,
      'experiments-create': 201,
      'experiments-get': 200,
      'experiments-update': 200,
      'experiments-lifecycle': 200,
      results: 200,
      'sdk-keys-list': 200,
      'sdk-keys-create': 201,
      'sdk-keys-revoke': 404,
      'api-keys-list': 200,
      'api-keys-create': 201,
      'api-keys-revoke': 404,
    };
    for (const name of managementRoutes) {
      const response = await call(withHeaders(managementRequests[name], bearer(platform.keys.admin)));
      expect(response.status, `${name}: ${response.text.slice(0, 200)}`).toBe(expected[name]);
    }
  });
});

describe('stored keys', () => {
  it('keeps only the SHA-256 of every API and SDK key: no key, nor its secret part, is anywhere in the table', async () => {
    const created: string[] = [];
    for (const [path, body] of [
      ['/v1/api-keys', '{"label":"Second admin","role":"admin"}'],
      ['/v1/api-keys', '{"label":"Second analyst","role":"analyst"}'],
      ['/v1/sdk-keys', '{"label":"Second shop","origins":["https://second.example.com"]}'],
    ] as const) {
      const response = await call({ method: 'POST', path, headers: { ...json, ...bearer(platform.keys.admin) }, body });
      expect(response.status).toBe(201);
      created.push((response.json as { key: string }).key);
    }
    const keys = [platform.keys.admin, platform.keys.analyst, platform.keys.sdk, ...created];
    const client = new DynamoDBClient(testClientConfig());
    try {
      const items = [...(await snapshotTable(client, platform.tableName)).values()].join('\n');
      for (const key of keys) {
        expect(items).not.toContain(key);
        expect(items).not.toContain(key.slice(4));
        expect(items).not.toContain(Buffer.from(key.slice(4), 'base64url').toString('hex'));
        expect(items).toContain(createHash('sha256').update(key).digest('hex'));
      }
    } finally {
      client.destroy();
    }
  });

  it('never shows a key or its hash again once created', async () => {
    for (const path of ['/v1/api-keys', '/v1/sdk-keys']) {
      const listed = await call({ method: 'GET', path, headers: bearer(platform.keys.admin) });
      expect(listed.status).toBe(200);
      expect(listed.text).not.toMatch(/[0-9a-f]{64}/);
      expect(listed.text).not.toMatch(/up[ks]_[A-Za-z0-9_-]{20,}/);
      for (const entry of (listed.json as { keys: Record<string, unknown>[] }).keys) {
        expect(Object.keys(entry)).not.toContain('hash');
        expect(Object.keys(entry)).not.toContain('key');
      }
    }
  });
});

describe('public routes', () => {
  const visitor = 'security-visitor-1';
  const publicRequests = (): Record<'config' | 'assign' | 'events', (query: string) => RawRequest> => {
    const variant = chooseVariant(toExperimentConfig(experiment), visitor)!;
    const event = { id: `sec-${Date.now()}-0001`, type: 'exposure', experiment: 'hero-offer', variant, visitor, ts: Date.now() };
    return {
      config: (query) => ({ method: 'GET', path: `/v1/config${query}` }),
      assign: (query) => ({ method: 'POST', path: `/v1/assign${query}`, headers: json, body: JSON.stringify({ visitor }) }),
      events: (query) => ({ method: 'POST', path: `/v1/events${query}`, headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ events: [event] }) }),
    };
  };

  it('answer 401 without an SDK key, with an unknown, altered or revoked one, and with a management key', async () => {
    const revoked = await call({ method: 'POST', path: '/v1/sdk-keys', headers: { ...json, ...bearer(platform.keys.admin) }, body: '{"label":"Old shop","origins":["https://shop.example.com"]}' });
    const { key: revokedKey, id } = revoked.json as { key: string; id: string };
    expect((await call({ method: 'DELETE', path: `/v1/sdk-keys/${id}`, headers: bearer(platform.keys.admin) })).status).toBe(200);
    const queries = ['', '?key=', `?key=ups_${'B'.repeat(32)}`, `?key=${platform.keys.sdk.slice(0, -1)}`, `?key=${revokedKey}`, `?key=${platform.keys.admin}`, `?KEY=${platform.keys.sdk}`];
    for (const build of Object.values(publicRequests())) {
      for (const query of queries) expectError(await call(build(query)), 401, 'unauthorized');
      // The SDK key belongs in the URL; as a bearer token it is not looked at.
      expectError(await call(withHeaders(build(''), bearer(platform.keys.sdk))), 401, 'unauthorized');
    }
  });

  it('answer 403 without CORS headers to pages on origins the key does not allow', async () => {
    const foreign = [
      'https://evil.example.net',
      'https://example.org',
      'https://shop.example.com.evil.net',
      'https://evilexample.org',
      'http://shop.example.com',
      'https://shop.example.com:8443',
      'https://localhost:3000',
      'null',
    ];
    for (const build of Object.values(publicRequests())) {
      for (const origin of foreign) {
        const response = await call(withHeaders(build(`?key=${platform.keys.sdk}`), { origin }));
        expectError(response, 403, 'origin_not_allowed');
        expect(response.headers['access-control-allow-origin']).toBeUndefined();
      }
    }
  });

  it('serve pages on allowed origins with that origin echoed, and servers (no Origin) without CORS headers', async () => {
    const allowed = ['https://shop.example.com', 'https://a.example.org', 'https://deep.sub.example.org', 'http://localhost:5173', 'http://localhost'];
    for (const build of Object.values(publicRequests())) {
      for (const origin of allowed) {
        const response = await call(withHeaders(build(`?key=${platform.keys.sdk}`), { origin }));
        expect(response.status, `${origin}: ${response.text}`).toBe(200);
        expect(response.headers['access-control-allow-origin']).toBe(origin);
        expect(String(response.headers['vary'])).toMatch(/origin/i);
        expect(response.headers['access-control-allow-credentials']).toBeUndefined();
      }
      const server = await call(build(`?key=${platform.keys.sdk}`));
      expect(server.status).toBe(200);
      expect(server.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('let an allowed page read its 4xx errors, so the SDK can tell what was wrong', async () => {
    const response = await call({ method: 'POST', path: `/v1/events?key=${platform.keys.sdk}`, headers: { 'content-type': 'text/plain', origin: 'https://shop.example.com' }, body: '{"events":[]}' });
    expectError(response, 400, 'validation_failed');
    expect(response.headers['access-control-allow-origin']).toBe('https://shop.example.com');
  });
});

describe('CORS on management routes', () => {
  it('sends no CORS headers from any management route, on success or error, whatever the Origin', async () => {
    for (const name of managementRoutes) {
      for (const headers of [bearer(platform.keys.admin), bearer(platform.keys.analyst), {}]) {
        for (const origin of ['https://shop.example.com', 'https://evil.example.net', 'null']) {
          const response = await call(withHeaders(managementRequests[name], { ...headers, origin }));
          expect(response.status).toBeLessThan(500);
          expect(Object.keys(response.headers).filter((header) => header.startsWith('access-control-')), `${name} from ${origin}`).toEqual([]);
        }
      }
    }
  });

  it('answers preflights for management paths without allowing anything, and for public paths without allowing credentials or the Authorization header', async () => {
    for (const path of ['/v1/experiments', '/v1/experiments/hero-offer', '/v1/api-keys', '/v1/sdk-keys/000000000000', '/v1/experiments/hero-offer/results', '/v1/health']) {
      const preflight = await call({
        method: 'OPTIONS',
        path,
        headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });
      expect(preflight.status).toBeLessThan(300);
      expect(Object.keys(preflight.headers).filter((header) => header.startsWith('access-control-')), path).toEqual([]);
    }
    for (const path of ['/v1/config', '/v1/assign', '/v1/events']) {
      const preflight = await call({
        method: 'OPTIONS',
        path,
        headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });
      expect(preflight.headers['access-control-allow-origin']).toBe('https://shop.example.com');
      expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).not.toContain('authorization');
      expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    }
  });
});

describe('public health route', () => {
  it('answers without a key and without CORS headers', async () => {
    const response = await call({ method: 'GET', path: '/v1/health', headers: { origin: 'https://shop.example.com' } });
    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});

// Guard against a route added to the table without a decision about its access in these tests.
describe('the route table', () => {
  it('has only the public routes this file treats as public', () => {
    expect(routes.filter((route) => route.access === 'sdk' || route.access === 'public').map((route) => route.name).sort()).toEqual(['assign', 'config', 'events', 'health']);
  });
});

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeps } from '../../src/composition.ts';
import { makeHandler } from '../../src/handlers/sdk-endpoint.ts';
import { createFunctionUrlServer } from '../../src/local/http-server.ts';
import { routes } from '../../src/routes.ts';
import { testClientConfig } from '../support/dynamodb.ts';
import { send, type RawRequest } from '../reliability/support/http-client.ts';
import { changedItems, countWrites } from '../reliability/support/table-snapshot.ts';
import { contentType, deepNesting, headerValue, malformedJson, pathSegment, queryValue, wrongTopLevel } from './support/hostile.ts';
import { startFuzzTarget, type FuzzTarget } from './support/fuzz-target.ts';

const RUNS = 1_000;

let target: FuzzTarget;
let before: Map<string, string>;
let server: Server;
let client: DynamoDBClient;
let writes: { total(): number };
let base: string;

/**
 * The SDK endpoint's own front door: a function URL sends every method and path to one function,
 * so the endpoint itself must turn whatever arrives into a 404, 405 or the route's own answer.
 * Through its local twin (a real HTTP server), on its own DynamoDB client so its writes are counted.
 */
beforeAll(async () => {
  target = await startFuzzTarget('fuzz-sdk-endpoint');
  before = await target.snapshot();
  client = new DynamoDBClient(testClientConfig());
  writes = countWrites(client);
  server = createFunctionUrlServer({ name: 'sdk-endpoint', handler: makeHandler(buildDeps({ client, tableName: target.tableName, configCacheSeconds: 5 })) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  client?.destroy();
  await target?.stop();
});

const knownPaths = [...new Set(routes.map((route) => route.path.replace(/\{[^}]+\}/g, 'hero-offer')))];
const path = fc.oneof(
  fc.constantFrom(...knownPaths, '/', '/v1', '/v1/', '/v1/events/', '//v1/events', '/V1/EVENTS', '/v1/events/extra', '/v1/../v1/events'),
  fc.array(pathSegment, { minLength: 1, maxLength: 4 }).map((segments) => `/${segments.join('/')}`),
  pathSegment.map((segment) => `/v1/${segment}`),
);
const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS');
const body = fc.option(fc.oneof(malformedJson, deepNesting, wrongTopLevel), { nil: undefined });

describe('the SDK endpoint under hostile requests', () => {
  it(`answers ${RUNS} hostile requests of any method and path without a 5xx, each error as JSON, changing nothing`, { timeout: 600_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(method, path, fc.option(queryValue, { nil: undefined }), fc.boolean(), contentType, headerValue, body, async (verb, where, query, withKey, type, origin, text) => {
        const key = withKey ? target.keys.sdk : query;
        const sent = verb === 'GET' || verb === 'HEAD' ? undefined : text;
        const request: RawRequest = {
          method: verb,
          path: key === undefined ? where : `${where}?key=${key}`,
          headers: {
            origin,
            ...(type === undefined ? {} : { 'content-type': type }),
            ...(verb === 'OPTIONS' ? { 'access-control-request-method': 'POST' } : {}),
            // Node's client frames DELETE and OPTIONS bodies only with an explicit length.
            ...(sent === undefined ? {} : { 'content-length': String(Buffer.byteLength(sent)) }),
          },
          body: sent,
        };
        const response = await send(base, request);
        const label = `${verb} ${request.path.slice(0, 200)} → ${response.status} ${response.text.slice(0, 300)}`;
        expect(response.status, label).toBeLessThan(500);
        if (verb === 'OPTIONS') expect(response.status, label).toBe(204);
        if (response.status >= 400 && verb !== 'HEAD') {
          expect(String(response.headers['content-type']), label).toMatch(/^application\/json/);
          const error = response.json as Record<string, unknown>;
          expect(Object.keys(error).every((name) => ['error', 'message', 'details'].includes(name)), label).toBe(true);
          expect(error['error'], label).toMatch(/^[a-z_]+$/);
          expect(String(error['message']).length, label).toBeGreaterThanOrEqual(12);
        }
        // A management route is never served here, whatever the request.
        if (!/^\/v1\/(health|config|assign|events)$/.test(where)) expect([204, 400, 401, 403, 404, 405, 413, 415], label).toContain(response.status);
      }),
      { numRuns: RUNS },
    );
    expect(writes.total()).toBe(0);
    expect(changedItems(before, await target.snapshot())).toEqual([]);
  });
});

import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeps } from '../../src/composition.ts';
import { routeHandlers } from '../../src/handlers/index.ts';
import { routeByName, routes, type RouteName } from '../../src/routes.ts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { testClientConfig } from '../support/dynamodb.ts';
import { send } from '../reliability/support/http-client.ts';
import { changedItems } from '../reliability/support/table-snapshot.ts';
import { expectWellFormed } from './support/checks.ts';
import { startFuzzTarget, type FuzzTarget, type RouteServer } from './support/fuzz-target.ts';

const TEN_MB = 10 * 1024 * 1024;

let target: FuzzTarget;
let server: RouteServer;
let before: Map<string, string>;

beforeAll(async () => {
  target = await startFuzzTarget('fuzz-large');
  server = await target.serve();
  before = await target.snapshot();
});

afterAll(async () => {
  await target?.stop();
});

const bodyRoutes = routes.filter((route) => route.method === 'POST' || route.method === 'PATCH');

/** A concrete path for a route template, on experiments that exist. */
const pathOf = (name: RouteName): string =>
  routeByName(name)
    .path.replace('{key}', name === 'experiments-update' ? 'draft-offer' : 'hero-offer')
    .replace('{action}', 'phase');

/** 10 MB bodies of three shapes: one padded string, a long array of events, and deep nesting. */
const shapes: Record<string, () => string> = {
  'a padded document': () => `{"events":[],"label":"x","visitor":"v","pad":"${'p'.repeat(TEN_MB)}"}`,
  'a long array': () => `{"events":[${Array.from({ length: TEN_MB / 70 }, (_, index) => `{"id":"${String(index).padStart(40, '0')}","type":"exposure","ts":1}`).join(',')}]}`,
  'deep nesting': () => `${'['.repeat(TEN_MB / 2)}${']'.repeat(TEN_MB / 2)}`,
};

describe('10 MB request bodies', () => {
  it('get a JSON 413 from every route that takes a body, through the local API', { timeout: 120_000 }, async () => {
    for (const route of bodyRoutes) {
      for (const [shape, build] of Object.entries(shapes)) {
        const body = build();
        expect(body.length).toBeGreaterThanOrEqual(TEN_MB);
        const headers: Record<string, string> = { 'content-type': route.name === 'events' ? 'text/plain' : 'application/json' };
        if (route.access === 'admin') headers['authorization'] = `Bearer ${target.keys.admin}`;
        const path = route.access === 'sdk' ? `${pathOf(route.name)}?key=${target.keys.sdk}` : pathOf(route.name);
        const request = { method: route.method, path, headers, body };
        const response = await send(server.base, request);
        expectWellFormed(route.name, { ...request, body: `<${shape}>` }, response, [413]);
        expect(response.json).toMatchObject({ error: 'payload_too_large' });
      }
    }
  });

  it("get a JSON 413 naming the route's own limit from each Lambda handler, which API Gateway would hand up to 10 MB", { timeout: 120_000 }, async () => {
    const client = new DynamoDBClient(testClientConfig());
    try {
      const deps = buildDeps({ client, tableName: target.tableName });
      const handlers = routeHandlers(deps);
      for (const route of bodyRoutes) {
        const handler = handlers[route.name];
        for (const build of Object.values(shapes)) {
          const event = {
            version: '2.0',
            routeKey: `${route.method} ${route.path}`,
            rawPath: pathOf(route.name),
            rawQueryString: `key=${target.keys.sdk}`,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${target.keys.admin}` },
            queryStringParameters: { key: target.keys.sdk },
            requestContext: { http: { method: route.method, path: pathOf(route.name) } },
            body: build(),
            isBase64Encoded: false,
          } as unknown as APIGatewayProxyEventV2;
          const response = await handler(event, {} as Context);
          expect(response.statusCode).toBe(413);
          expect(JSON.parse(response.body!)).toEqual({ error: 'payload_too_large', message: `The request body may be at most ${route.maxBodyBytes} bytes.` });
        }
      }
    } finally {
      client.destroy();
    }
  });

  it('leave the table as it was', async () => {
    expect(changedItems(before, await target.snapshot())).toEqual([]);
    expect(server.writes()).toBe(0);
  });
});

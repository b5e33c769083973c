import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchPath, routeByName, type RouteName } from '../../src/routes.ts';
import { offerExperiment } from '../support/in-process-platform.ts';
import { send, type RawRequest, type RawResponse } from '../reliability/support/http-client.ts';
import { changedItems } from '../reliability/support/table-snapshot.ts';
import { expectWellFormed } from './support/checks.ts';
import { at, crossFieldVariants, experimentDefect, variantsWithoutB, experimentNoise, invalidKey, invalidVariantList, mutate, type Mutation, type Path } from './support/documents.ts';
import { startFuzzTarget, type FuzzTarget, type RouteServer } from './support/fuzz-target.ts';
import {
  REMOVE,
  RawJson,
  contentType,
  deepNesting,
  headerValue,
  hostileKey,
  hostileString,
  hostileValue,
  malformedJson,
  nonObject,
  pathSegment,
  queryValue,
  toJsonText,
  wrongTopLevel,
} from './support/hostile.ts';

const RUNS = 1_000;

let target: FuzzTarget;
let before: Map<string, string>;
/** Statuses each route gave, to show the generators reached every kind of refusal. */
const seen = new Map<RouteName, Set<number>>();
const statusesOf = (...names: RouteName[]) => [...new Set(names.flatMap((name) => [...(seen.get(name) ?? [])]))];

beforeAll(async () => {
  target = await startFuzzTarget('fuzz-management');
  before = await target.snapshot();
});

afterAll(async () => {
  await target?.stop();
});

type AuthKind = 'admin' | 'analyst' | 'refused';

/** Who calls: mostly an admin (so the route's own parsing is reached), sometimes an analyst or someone without a valid key. */
const caller = (): fc.Arbitrary<{ kind: AuthKind; header: string | undefined }> =>
  fc.oneof(
    { weight: 7, arbitrary: fc.constantFrom(`Bearer ${target.keys.admin}`, `bearer  ${target.keys.admin}`).map((header) => ({ kind: 'admin' as const, header })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'analyst' as const, header: `Bearer ${target.keys.analyst}` }) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom(
          undefined,
          `Bearer ${target.keys.revokedAdmin}`,
          `Bearer ${target.keys.sdk}`,
          `Bearer ${target.keys.admin.slice(0, -2)}`,
          `Bearer ${target.keys.admin} ${target.keys.admin}`,
          `Basic ${Buffer.from(`admin:${target.keys.admin}`).toString('base64')}`,
          target.keys.admin,
        ),
        headerValue,
      ).map((header) => ({ kind: 'refused' as const, header })),
    },
  );

/** The statuses a route may answer: the envelope's 4xx, then the caller's, then the route's own. */
function allowedStatuses(route: RouteName, kind: AuthKind, own: number[]): number[] {
  const { method, access } = routeByName(route);
  const envelope = method === 'POST' || method === 'PATCH' ? [400, 413, 415] : [];
  if (kind === 'refused') return [...envelope, 401];
  if (kind === 'analyst' && access === 'admin') return [...envelope, 403];
  return [...envelope, ...own];
}

interface Case {
  route: RouteName;
  caller: { kind: AuthKind; header: string | undefined };
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  own: number[];
}

/** Sends one case and checks the answer; a management request that is refused or only reads writes nothing. */
async function exercise(server: RouteServer, testCase: Case): Promise<RawResponse> {
  const headers: Record<string, string> = { origin: 'https://shop.example.com' };
  if (testCase.caller.header !== undefined) headers['authorization'] = testCase.caller.header;
  if (testCase.contentType !== undefined) headers['content-type'] = testCase.contentType;
  const request: RawRequest = { method: testCase.method, path: testCase.path, headers, body: testCase.body };
  const writesBefore = server.writes();
  const response = await send(server.base, request);
  // A segment that is not valid percent-encoding, or "." / ".." that the URL resolves away, leaves this route:
  // the router answers 404 or 405, or another management route answers as it would.
  const elsewhere = matchPath(routeByName(testCase.route).path, new URL(testCase.path, 'http://localhost').pathname) === null;
  const statuses = elsewhere ? [...(testCase.method === 'GET' ? [200] : []), 400, 401, 403, 404, 405, 409, 413, 415] : allowedStatuses(testCase.route, testCase.caller.kind, testCase.own);
  expectWellFormed(testCase.route, request, response, statuses);
  seen.set(testCase.route, (seen.get(testCase.route) ?? new Set()).add(response.status));
  expect(server.writes(), `${testCase.route} wrote to the table for ${request.method} ${request.path} ${String(request.body).slice(0, 300)} → ${response.status}`).toBe(writesBefore);
  return response;
}

/** A body that must be refused: a definition with defects, or text that is not the JSON object expected. */
function refusedBody(base: unknown, defects: fc.Arbitrary<Mutation>, removable: Path[] = []): fc.Arbitrary<string> {
  const removals = removable.length ? fc.constantFrom(...removable).map((path): Mutation => [path, REMOVE]) : defects;
  return fc.oneof(
    { weight: 8, arbitrary: fc.tuple(fc.array(experimentNoise, { maxLength: 2 }), fc.array(fc.oneof({ weight: 4, arbitrary: defects }, { weight: 1, arbitrary: removals }), { minLength: 1, maxLength: 3 })).map(([noise, chosen]) => toJsonText(mutate(base, noise, chosen))) },
    { weight: 2, arbitrary: fc.oneof(malformedJson, deepNesting, wrongTopLevel) },
  );
}

const newExperiment = { ...offerExperiment, key: 'fuzz-created', name: 'Created by fuzzing' };
const experimentKeys = fc.oneof(fc.constantFrom('hero-offer', 'draft-offer', 'stopped-offer', 'targeted-offer', 'nope'), pathSegment);
const junkQuery = fc.array(fc.tuple(queryValue, queryValue), { maxLength: 3 }).map((pairs) => pairs.map(([name, value]) => `${name}=${value}`).join('&'));

const crossFieldDefect: fc.Arbitrary<Mutation> = fc.oneof(
  at(['variants'], crossFieldVariants),
  at(['goals'], fc.constantFrom<unknown>([{ key: 'purchase' }, { key: 'purchase' }], [{ key: 'a', primary: true }, { key: 'b', primary: true }])),
  at(['stages'], fc.constant(['cart', 'cart'])),
  at(['costs'], fc.constant({ Z: {} })),
);

describe.concurrent('hostile input to the management routes', () => {
  it('POST /v1/experiments refuses every defective definition with a JSON 4xx and creates nothing', { timeout: 180_000 }, async () => {
    const server = await target.serve();
    const key = at(['key'], invalidKey);
    await fc.assert(
      fc.asyncProperty(caller(), refusedBody(newExperiment, fc.oneof(experimentDefect, key), [['key'], ['name'], ['variants'], ['goals']]), contentType, async (who, body, type) => {
        await exercise(server, { route: 'experiments-create', caller: who, method: 'POST', path: '/v1/experiments', body, contentType: type, own: [400, 415] });
      }),
      { numRuns: RUNS },
    );
    expect(statusesOf('experiments-create')).toEqual(expect.arrayContaining([400, 401, 403, 415]));
  });

  it('PATCH /v1/experiments/{key} refuses every defective patch with a JSON 4xx, cross-field rules included, and changes nothing', { timeout: 180_000 }, async () => {
    const server = await target.serve();
    const patchDefect = fc.oneof(experimentDefect, crossFieldDefect, at(['key'], hostileValue));
    const patchCase = fc.oneof(
      { weight: 6, arbitrary: fc.record({ key: fc.constant('draft-offer'), body: refusedBody({}, patchDefect) }) },
      {
        weight: 2,
        arbitrary: fc.record({
          key: fc.constantFrom('hero-offer', 'stopped-offer', 'nope'),
          body: fc.oneof(refusedBody({}, patchDefect), fc.constantFrom('{"coverage":0.5}', '{"name":"Renamed"}', '{}', '')),
        }),
      },
      { weight: 2, arbitrary: fc.record({ key: pathSegment, body: fc.oneof(refusedBody({}, patchDefect), fc.constant('{"coverage":0.5}')) }) },
    );
    await fc.assert(
      fc.asyncProperty(caller(), patchCase, contentType, async (who, { key, body }, type) => {
        await exercise(server, { route: 'experiments-update', caller: who, method: 'PATCH', path: `/v1/experiments/${key}`, body, contentType: type, own: [400, 404, 409, 415] });
      }),
      { numRuns: RUNS },
    );
    expect(statusesOf('experiments-update')).toEqual(expect.arrayContaining([400, 401, 403, 404, 409, 415]));
  });

  it('POST /v1/experiments/{key}/{action} refuses defective phase changes and illegal transitions and changes nothing', { timeout: 180_000 }, async () => {
    const server = await target.serve();
    const phaseDefect: fc.Arbitrary<Mutation> = fc.oneof(
      at(['variants'], invalidVariantList),
      at(['coverage'], fc.oneof(fc.constantFrom<unknown>(-0.1, 1.1, '0.5', null), fc.constant(new RawJson('1e400')))),
      at(['targeting'], fc.oneof(nonObject.filter((value) => !Array.isArray(value)), fc.constant([{ attribute: '1x', operator: 'equals', values: ['a'] }]))),
      fc.tuple(hostileKey.filter((name) => !['variants', 'coverage', 'targeting'].includes(name)).map((name): Path => [name]), hostileValue),
    );
    const refusedChange = refusedBody({}, phaseDefect);
    const anyChange = fc.oneof(refusedChange, fc.constantFrom('', '{}', '{"coverage":0.5}', '{"variants":[{"key":"A","weight":0.3,"control":true},{"key":"B","weight":0.7}]}'));
    const lifecycleCase = fc.oneof(
      {
        weight: 5,
        arbitrary: fc.record({
          path: fc.constantFrom('hero-offer/pause', 'hero-offer/stop', 'hero-offer/phase', 'draft-offer/launch', 'draft-offer/archive', 'stopped-offer/archive', 'targeted-offer/phase'),
          body: refusedChange,
        }),
      },
      // A new phase whose variants are valid one by one but not as a definition (weights, keys, controls, costs).
      { weight: 2, arbitrary: fc.record({ path: fc.constant('hero-offer/phase'), body: fc.oneof(crossFieldVariants, variantsWithoutB).map((variants) => toJsonText({ variants })) }) },
      {
        weight: 3,
        arbitrary: fc.record({
          path: fc.constantFrom(
            'hero-offer/launch',
            'hero-offer/resume',
            'hero-offer/archive',
            'draft-offer/pause',
            'draft-offer/resume',
            'draft-offer/stop',
            'draft-offer/phase',
            'stopped-offer/launch',
            'stopped-offer/resume',
            'stopped-offer/pause',
            'stopped-offer/stop',
            'stopped-offer/phase',
          ),
          body: anyChange,
        }),
      },
      { weight: 2, arbitrary: fc.record({ path: fc.tuple(experimentKeys.filter((key) => !['hero-offer', 'draft-offer', 'stopped-offer', 'targeted-offer'].includes(key)), fc.oneof(fc.constantFrom('launch', 'pause', 'phase'), pathSegment)).map(([key, action]) => `${key}/${action}`), body: anyChange }) },
      { weight: 1, arbitrary: fc.record({ path: fc.tuple(fc.constantFrom('hero-offer', 'draft-offer'), fc.oneof(fc.constantFrom('LAUNCH', 'delete', 'results', 'restart', '__proto__', 'constructor'), pathSegment)).map(([key, action]) => `${key}/${action}`), body: anyChange }) },
    );
    await fc.assert(
      fc.asyncProperty(caller(), lifecycleCase, contentType, async (who, { path, body }, type) => {
        await exercise(server, { route: 'experiments-lifecycle', caller: who, method: 'POST', path: `/v1/experiments/${path}`, body, contentType: body ? type : undefined, own: [400, 404, 409, 415] });
      }),
      { numRuns: RUNS },
    );
    expect(statusesOf('experiments-lifecycle')).toEqual(expect.arrayContaining([400, 401, 403, 404, 409]));
  });

  it('GET /v1/experiments answers 200 or a JSON 4xx whatever the query', { timeout: 180_000 }, async () => {
    const server = await target.serve();
    const status = fc.oneof(fc.constantFrom('running', 'draft', 'stopped', 'RUNNING', '', 'deleted'), queryValue);
    await fc.assert(
      fc.asyncProperty(caller(), status, junkQuery, async (who, value, junk) => {
        await exercise(server, { route: 'experiments-list', caller: who, method: 'GET', path: `/v1/experiments?status=${value}&${junk}`, own: [200, 400] });
      }),
      { numRuns: RUNS },
    );
    expect(statusesOf('experiments-list')).toEqual(expect.arrayContaining([200, 400, 401]));
  });

  it('GET /v1/experiments/{key} answers 200, 400 or 404 whatever the key', { timeout: 180_000 }, async () => {
    const server = await target.serve();
    await fc.assert(
      fc.asyncProperty(caller(), experimentKeys, junkQuery, async (who, key, junk) => {
        await exercise(server, { route: 'experiments-get', caller: who, method: 'GET', path: `/v1/experiments/${key}?${junk}`, own: [200, 400, 404] });
      }),
      { numRuns: RUNS },
    );
    expect(statusesOf('experiments-get')).toEqual(expect.arrayContaining([200, 400, 401, 404]));
  });

  it('GET /v1/experiments/{key}/results answers a summary or a JSON 4xx whatever the key and options', { timeout: 180_000 }, async () => {
    const server = await target.serve();
    const option = (name: string, values: string[]) => fc.option(fc.oneof(fc.constantFrom(...values), queryValue).map((value) => `${name}=${value}`), { nil: '' });
    const query = fc
      .tuple(
        option('goal', ['purchase', 'signup', 'PURCHASE']),
        option('phase', ['1', '2', '0', '-1', '1.5', '1e400', 'NaN', '999999999999']),
        option('alpha', ['0.05', '0.01', '0', '1', '1e-320', '5e-324', '0.9999999999999999', '-0', 'NaN', '1e-10']),
        option('format', ['json', 'csv', 'md', 'xml', 'JSON', '']),
        junkQuery,
      )
      .map((parts) => parts.filter(Boolean).join('&'));
    await fc.assert(
      fc.asyncProperty(caller(), experimentKeys, query, async (who, key, search) => {
        const response = await exercise(server, { route: 'results', caller: who, method: 'GET', path: `/v1/experiments/${key}/results?${search}`, own: [200, 400, 404] });
        if (response.status === 200 && /^application\/json/.test(String(response.headers['content-type']))) {
          expect(response.json).toMatchObject({ experiment: expect.any(String), variants: expect.any(Array) });
        }
      }),
      { numRuns: RUNS },
    );
    expect(statusesOf('results')).toEqual(expect.arrayContaining([200, 400, 401, 404]));
  });

  it('GET /v1/sdk-keys and /v1/api-keys answer admins only, whatever the query', { timeout: 180_000 }, async () => {
    const server = await target.serve();
    for (const route of ['sdk-keys-list', 'api-keys-list'] as const) {
      await fc.assert(
        fc.asyncProperty(caller(), junkQuery, async (who, junk) => {
          const response = await exercise(server, { route, caller: who, method: 'GET', path: `${routeByName(route).path}?${junk}`, own: [200] });
          if (response.status === 200) expect(response.text).not.toMatch(/"hash"|upk_|ups_/);
        }),
        { numRuns: RUNS },
      );
      expect(statusesOf(route)).toEqual(expect.arrayContaining([200, 401, 403]));
    }
  });

  it('POST /v1/sdk-keys refuses defective key requests with a JSON 4xx and stores no key', { timeout: 180_000 }, async () => {
    const server = await target.serve();
    const invalidOrigin = fc.oneof(
      fc.constantFrom('shop.example.com', 'ftp://x.com', 'https://', 'https://*', 'https://*.', 'https://a.com/path', 'javascript:alert(1)', 'https://a.com:123456', '*', 'null', 'https://a b.com', 'https://ä.com'),
      hostileString.filter((text) => !/^https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:(\d{1,5}|\*))?$/.test(text)),
      fc.integer(),
      fc.constant(null),
    );
    const defect: fc.Arbitrary<Mutation> = fc.oneof(
      at(['label'], fc.oneof(fc.constantFrom<unknown>('', '   ', null, 1, [], {}), fc.integer({ min: 101, max: 400 }).map((length) => 'l'.repeat(length)))),
      at(['origins'], fc.oneof(nonObject.filter((value) => !Array.isArray(value)), fc.constant([]), fc.constant(Array.from({ length: 51 }, () => 'https://a.example.com')), invalidOrigin.map((origin) => ['https://shop.example.com', origin]))),
      fc.tuple(hostileKey.filter((name) => !['label', 'origins'].includes(name)).map((name): Path => [name]), hostileValue),
      at(['label'], fc.constant(REMOVE)),
      at(['origins'], fc.constant(REMOVE)),
    );
    const body = fc.oneof(
      { weight: 8, arbitrary: fc.array(defect, { minLength: 1, maxLength: 3 }).map((defects) => toJsonText(mutate({ label: 'Shop', origins: ['https://shop.example.com'] }, [], defects))) },
      { weight: 2, arbitrary: fc.oneof(malformedJson, deepNesting, wrongTopLevel) },
    );
    await fc.assert(
      fc.asyncProperty(caller(), body, contentType, async (who, text, type) => {
        await exercise(server, { route: 'sdk-keys-create', caller: who, method: 'POST', path: '/v1/sdk-keys', body: text, contentType: type, own: [400, 415] });
      }),
      { numRuns: RUNS },
    );
    expect(statusesOf('sdk-keys-create')).toEqual(expect.arrayContaining([400, 401, 403, 415]));
  });

  it('POST /v1/api-keys refuses defective key requests with a JSON 4xx and stores no key', { timeout: 180_000 }, async () => {
    const server = await target.serve();
    const defect: fc.Arbitrary<Mutation> = fc.oneof(
      at(['label'], fc.oneof(fc.constantFrom<unknown>('', '   ', null, 1, [], {}), fc.integer({ min: 101, max: 400 }).map((length) => 'l'.repeat(length)))),
      at(['role'], fc.oneof(fc.constantFrom<unknown>('root', 'ADMIN', 'Admin', 'owner', '', null, 1, ['admin'], { admin: true }), hostileString.filter((text) => text !== 'admin' && text !== 'analyst'))),
      fc.tuple(hostileKey.filter((name) => !['label', 'role'].includes(name)).map((name): Path => [name]), hostileValue),
      at(['__proto__'], fc.constant({ role: 'admin' })),
      at(['label'], fc.constant(REMOVE)),
      at(['role'], fc.constant(REMOVE)),
    );
    const body = fc.oneof(
      { weight: 8, arbitrary: fc.array(defect, { minLength: 1, maxLength: 3 }).map((defects) => toJsonText(mutate({ label: 'Analyst', role: 'analyst' }, [], defects))) },
      { weight: 2, arbitrary: fc.oneof(malformedJson, deepNesting, wrongTopLevel, fc.constant('{"label":"x","role":"analyst","role":"root"}')) },
    );
    await fc.assert(
      fc.asyncProperty(caller(), body, contentType, async (who, text, type) => {
        await exercise(server, { route: 'api-keys-create', caller: who, method: 'POST', path: '/v1/api-keys', body: text, contentType: type, own: [400, 415] });
      }),
      { numRuns: RUNS },
    );
    expect(statusesOf('api-keys-create')).toEqual(expect.arrayContaining([400, 401, 403, 415]));
  });

  it('DELETE /v1/sdk-keys/{id} and /v1/api-keys/{id} refuse unknown and malformed ids and revoke nothing', { timeout: 180_000 }, async () => {
    const server = await target.serve();
    const id = fc.oneof(
      fc.stringMatching(/^[0-9a-f]{12}$/).filter((candidate) => !target.keyIds.includes(candidate)),
      pathSegment,
      fc.constantFrom('000000000000', 'ABCDEF012345', '0123456789abc', '0123456789a', 'upk_x', '*', '%2A'),
      fc.constantFrom(...target.keyIds).map((known) => known.toUpperCase()),
    );
    for (const route of ['sdk-keys-revoke', 'api-keys-revoke'] as const) {
      await fc.assert(
        fc.asyncProperty(caller(), id, async (who, keyId) => {
          await exercise(server, { route, caller: who, method: 'DELETE', path: routeByName(route).path.replace('{id}', keyId), own: [400, 404] });
        }),
        { numRuns: RUNS },
      );
      expect(statusesOf(route)).toEqual(expect.arrayContaining([400, 401, 403, 404]));
    }
  });
});

describe('the table after hostile management traffic', () => {
  it('holds exactly what it held before', async () => {
    expect(changedItems(before, await target.snapshot())).toEqual([]);
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('role');
  });
});

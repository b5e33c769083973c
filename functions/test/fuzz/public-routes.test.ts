import { chooseVariant } from '@upshot/sdk/assign';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toExperimentConfig } from '../../src/domain/index.ts';
import { send, type RawRequest } from '../reliability/support/http-client.ts';
import { changedItems } from '../reliability/support/table-snapshot.ts';
import { expectAllRefused, expectWellFormed, rejectionReasons } from './support/checks.ts';
import { at, invalidKey, mutate, type Mutation, type Path } from './support/documents.ts';
import { startFuzzTarget, type FuzzTarget } from './support/fuzz-target.ts';
import {
  REMOVE,
  RawJson,
  contentType,
  deepNesting,
  headerValue,
  hostileKey,
  hostileNumber,
  hostileString,
  hostileValue,
  malformedJson,
  nonObject,
  queryValue,
  toJsonText,
  wrongTopLevel,
} from './support/hostile.ts';

const RUNS = 1_000;
const DAY = 86_400_000;

let target: FuzzTarget;
let before: Map<string, string>;
/** Visitors whose /v1/assign request was accepted: their exposures are the only state fuzzing may add. */
const assignedVisitors = new Set<string>();

beforeAll(async () => {
  target = await startFuzzTarget('fuzz-public');
  before = await target.snapshot();
});

afterAll(async () => {
  await target?.stop();
});

const allowedOrigins = ['https://shop.example.com', 'https://a.example.org', 'https://deep.sub.example.org', 'http://localhost:3000', 'http://localhost'];
const foreignOrigins = [
  'https://example.org',
  'https://shop.example.com.evil.net',
  'https://evil-example.org',
  'http://shop.example.com',
  'https://shop.example.com:8443',
  'null',
  'https://localhost',
  'file://',
];

const visitorId = fc.stringMatching(/^[a-z0-9-]{6,24}$/).map((id) => `fz-${id}`);

/** A printable-ASCII visitor id that is valid but odd: it may be accepted. */
const oddVisitorId = fc.oneof(
  visitorId,
  fc.constantFrom('%00', '<script>', "'--", '${jndi:x}', '__proto__', 'constructor', '..', '\\', '"', 'VIS#x#1#y').map((id) => `fz${id}`),
  fc.stringMatching(/^[\x21-\x7e]{1,126}$/).map((id) => `fz${id}`),
);

const invalidVisitor = fc.oneof(
  fc.constantFrom<unknown>('', ' ', 'a b', 'é', 'x'.repeat(129), 'a\u0000', 'tab\t', '\u202e', 42, null, [], {}),
  hostileString.filter((text) => !/^[\x21-\x7E]{1,128}$/.test(text)),
);

describe.concurrent('hostile input to the public routes', () => {
  it('GET /v1/health answers 200 whatever the query and headers', { timeout: 180_000 }, async () => {
    const server = await target.serve();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(queryValue, queryValue), { maxLength: 3 }), fc.option(headerValue), fc.option(headerValue), async (query, origin, authorization) => {
        const headers: Record<string, string> = {};
        if (origin !== null) headers['origin'] = origin;
        if (authorization !== null) headers['authorization'] = authorization;
        const request: RawRequest = { method: 'GET', path: `/v1/health?${query.map(([name, value]) => `${name}=${value}`).join('&')}`, headers };
        const response = await send(server.base, request);
        expectWellFormed('health', request, response, [200]);
        expect((response.json as { status: string }).status).toBe('ok');
      }),
      { numRuns: RUNS },
    );
    expect(server.writes()).toBe(0);
  });

  it('GET /v1/config refuses bad keys with 401 and foreign origins with 403, and serves only with a live key', { timeout: 180_000 }, async () => {
    const server = await target.serve();
    const keyChoice = fc.oneof(
      fc.constant({ kind: 'valid', query: `key=${target.keys.sdk}` }),
      fc.constant({ kind: 'revoked', query: `key=${target.keys.revokedSdk}` }),
      fc.constant({ kind: 'management', query: `key=${target.keys.admin}` }),
      fc.constant({ kind: 'doubled', query: `key=${target.keys.sdk}&key=${target.keys.sdk}` }),
      fc.constant({ kind: 'altered', query: `key=${target.keys.sdk.slice(0, -1)}${target.keys.sdk.endsWith('A') ? 'B' : 'A'}` }),
      fc.constant({ kind: 'missing', query: '' }),
      queryValue.map((value) => ({ kind: 'hostile', query: `key=${value}` })),
      queryValue.map((value) => ({ kind: 'hostile', query: `key=ups_${value}` })),
    );
    const originChoice = fc.oneof(
      fc.constant({ kind: 'none', origin: undefined as string | undefined }),
      fc.constantFrom(...allowedOrigins).map((origin) => ({ kind: 'allowed', origin })),
      fc.constantFrom(...foreignOrigins).map((origin) => ({ kind: 'foreign', origin })),
      headerValue.map((origin) => ({ kind: 'hostile', origin })),
    );
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(keyChoice, originChoice, fc.option(headerValue), async (key, origin, etag) => {
        const headers: Record<string, string> = {};
        if (origin.origin !== undefined) headers['origin'] = origin.origin;
        if (etag !== null) headers['if-none-match'] = etag;
        const request: RawRequest = { method: 'GET', path: `/v1/config?${key.query}`, headers };
        const response = await send(server.base, request);
        if (key.kind === 'valid' && origin.kind === 'foreign') expectWellFormed('config', request, response, [403]);
        else if (key.kind === 'valid' && origin.kind !== 'hostile') expectWellFormed('config', request, response, [200, 304]);
        else if (key.kind === 'valid') expectWellFormed('config', request, response, [200, 304, 403]);
        else if (key.kind === 'hostile') expectWellFormed('config', request, response, [401]);
        else expectWellFormed('config', request, response, [401]);
        statuses.add(response.status);
        if (response.status === 200) {
          expect((response.json as { experiments: { key: string }[] }).experiments.map((experiment) => experiment.key)).toEqual(['hero-offer', 'targeted-offer']);
        }
      }),
      { numRuns: RUNS },
    );
    expect([...statuses]).toEqual(expect.arrayContaining([200, 401, 403]));
    expect(server.writes()).toBe(0);
  });

  it('POST /v1/assign refuses malformed requests with a JSON 4xx and assigns odd but valid ones correctly', { timeout: 180_000 }, async () => {
    const server = await target.serve();
    const running = target.experiments.running;
    const experimentsList = fc.array(fc.oneof(fc.constantFrom('hero-offer', 'targeted-offer', 'draft-offer', 'stopped-offer', 'nope'), fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/)), { maxLength: 5 });
    const attributeValue = fc.oneof(
      hostileString.filter((text) => text.length <= 2_048),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom('de', 'AT', 'https://shop.example.com/offer/1'),
    );
    const attributes = fc.array(fc.tuple(fc.oneof(hostileKey.filter((key) => key.length <= 64), fc.constantFrom('country', 'url', 'device')), attributeValue), { maxLength: 6 }).map((entries) => Object.fromEntries(entries));
    const validLooking = fc.record({ visitor: oddVisitorId, experiments: fc.option(experimentsList, { nil: undefined }), attributes: fc.option(attributes, { nil: undefined }) });
    const defect: fc.Arbitrary<Mutation> = fc.oneof(
      at(['visitor'], invalidVisitor),
      at(['visitor'], fc.constant(REMOVE)),
      at(['experiments'], fc.oneof(nonObject.filter((value) => !Array.isArray(value) && value !== undefined), fc.constant(Array.from({ length: 51 }, () => 'hero-offer')), invalidKey.map((key) => ['hero-offer', key]))),
      at(['attributes'], fc.oneof(nonObject, fc.constant(Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`a${index}`, 'x']))))),
      at(['attributes', 'country'], fc.oneof(fc.constant({}), fc.constant(['de']), fc.constant('x'.repeat(2_049)), fc.constant(new RawJson('1e400')))),
      at(['attributes', 'k'.repeat(65)], fc.constant('x')),
      fc.tuple(hostileKey.filter((key) => !['visitor', 'experiments', 'attributes', '__proto__'].includes(key)).map((key): Path => [key]), hostileValue),
      at(['__proto__'], hostileValue),
    );
    const body = fc.oneof(
      { weight: 3, arbitrary: validLooking.map((document) => ({ text: toJsonText(document), accept: true, visitor: document.visitor })) },
      { weight: 6, arbitrary: fc.tuple(validLooking, fc.array(defect, { minLength: 1, maxLength: 3 })).map(([document, defects]) => ({ text: toJsonText(mutate(document, [], defects)), accept: false, visitor: '' })) },
      { weight: 1, arbitrary: fc.oneof(malformedJson, deepNesting, wrongTopLevel).map((text) => ({ text, accept: false, visitor: '' })) },
    );
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(body, contentType, async (document, type) => {
        const headers: Record<string, string> = {};
        if (type !== undefined) headers['content-type'] = type;
        const request: RawRequest = { method: 'POST', path: `/v1/assign?key=${target.keys.sdk}`, headers, body: document.text };
        const writesBefore = server.writes();
        const response = await send(server.base, request);
        const beaconType = type !== undefined && /^\s*(application\/json|text\/plain)\s*(;|$)/i.test(type);
        expectWellFormed('assign', request, response, document.accept && beaconType ? [200] : [400, 413, 415]);
        statuses.add(response.status);
        if (response.status === 200) {
          assignedVisitors.add(document.visitor);
          const { assignments } = response.json as { assignments: Record<string, { variant: string; phase: number }> };
          for (const [key, assignment] of Object.entries(assignments)) {
            expect(['hero-offer', 'targeted-offer']).toContain(key);
            if (key === 'hero-offer') expect(assignment.variant).toBe(chooseVariant(toExperimentConfig(running), document.visitor));
          }
        } else {
          expect(server.writes(), 'a refused assignment wrote to the table').toBe(writesBefore);
        }
      }),
      { numRuns: RUNS },
    );
    expect([...statuses]).toEqual(expect.arrayContaining([200, 400, 415]));
  });

  it('POST /v1/events refuses every invalid event by index with a reason, and malformed envelopes with a JSON 4xx', { timeout: 180_000 }, async () => {
    const server = await target.serve();
    const config = toExperimentConfig(target.experiments.running);
    const now = Date.now();
    const variantOf = (visitor: string) => chooseVariant(config, visitor)!;
    const otherVariant = (visitor: string) => (variantOf(visitor) === 'A' ? 'B' : 'A');

    const baseEvent = fc.record({ visitor: visitorId, id: fc.uuid(), type: fc.constantFrom('exposure', 'conversion', 'abandonment') }).map(({ visitor, id, type }) => {
      const base = { id, type, experiment: 'hero-offer', variant: variantOf(visitor), visitor, ts: now, phase: 1 };
      if (type === 'conversion') return { ...base, goal: 'purchase', revenue: 1_990, currency: 'EUR' };
      if (type === 'abandonment') return { ...base, stage: 'cart', reason: 'left' };
      return base;
    });
    const noise: fc.Arbitrary<Mutation> = fc.oneof(
      fc.tuple(hostileKey.filter((key) => !['id', 'type', 'experiment', 'variant', 'visitor', 'ts', 'phase', 'goal', 'revenue', 'currency', 'stage', 'reason', 'context'].includes(key)).map((key): Path => [key]), hostileValue),
      at(['__proto__'], fc.constant({ polluted: true, variant: 'Z' })),
      fc.tuple(fc.constantFrom<Path>(['context', 'url'], ['context', 'referrer'], ['context', 'utm_campaign']), hostileString.filter((text) => text.length <= 200)),
      at(['reason'], hostileString.filter((text) => text.length <= 200)),
    );
    /** Defects that make any event invalid, whatever its type; `tamper` needs the visitor and is applied later. */
    const defect: fc.Arbitrary<Mutation | 'tamper'> = fc.oneof<fc.Arbitrary<Mutation | 'tamper'>[]>(
      fc.constant('tamper' as const),
      at(['id'], fc.oneof(fc.constantFrom<unknown>('', 'short', 'has space', 'ü'.repeat(10), 'x'.repeat(65), 12_345_678, null), fc.constant(REMOVE))),
      at(['type'], fc.oneof(fc.constantFrom<unknown>('purchase', '', null, 1, 'EXPOSURE', '__proto__'), fc.constant(REMOVE))),
      at(['experiment'], fc.oneof(fc.constantFrom<unknown>('nope-unknown', 'draft-offer', 'stopped-offer', 'HERO-OFFER'), invalidKey, fc.constant(REMOVE))),
      at(['variant'], fc.oneof(fc.constantFrom<unknown>('Z', 'a', 'control'), invalidKey, fc.constant(REMOVE))),
      at(['visitor'], fc.oneof(invalidVisitor, fc.constant(REMOVE))),
      at(
        ['ts'],
        fc.oneof(
          fc.constantFrom<unknown>(now - 31 * DAY, now + 2 * DAY, 1, 0, -1, now + 0.5, '2026-01-01', null, 8.64e15, Number.MAX_SAFE_INTEGER),
          fc.constant(new RawJson('1e400')),
          fc.integer({ min: 1, max: now - 31 * DAY }),
          fc.integer({ min: now + 2 * DAY, max: Number.MAX_SAFE_INTEGER }),
          fc.constant(REMOVE),
        ),
      ),
      at(['phase'], fc.constantFrom<unknown>(2, 0, -1, 1.5, 'one', null)),
      at(['context'], fc.oneof(nonObject.filter((value) => value !== undefined), fc.constant({ device: 'phone' }), fc.constant({ url: 'u'.repeat(2_049) }))),
    );
    /** Defects only a conversion or abandonment has; these are also from visitors never exposed. */
    const conversionDefect: fc.Arbitrary<Mutation> = fc.oneof(
      at(['revenue'], fc.oneof(fc.constantFrom<unknown>(-1, 0.5, 1_000_000_001, '100', null, 1e21), fc.constant(new RawJson('1e400')), hostileNumber.filter((value) => typeof value === 'number' && (!Number.isInteger(value) || value < 0 || value > 1e9)))),
      at(['currency'], fc.constantFrom<unknown>('USD', 'eur', 'EURO', 1, '')),
      at(['goal'], fc.oneof(fc.constantFrom<unknown>('unknown-goal', 'signup'), invalidKey)),
      at(['stage'], fc.oneof(fc.constantFrom<unknown>('unknown-stage', 'payment'), invalidKey)),
    );

    const invalidEvent: fc.Arbitrary<unknown> = fc.oneof(
      { weight: 8, arbitrary: fc.tuple(baseEvent, fc.array(noise, { maxLength: 2 }), fc.array(defect, { minLength: 1, maxLength: 2 })).map(([event, noises, defects]) => {
        const plain = defects.filter((each): each is Mutation => each !== 'tamper');
        const tampered = defects.includes('tamper') ? [[['variant'], otherVariant(event.visitor)] as Mutation] : [];
        return mutate(event, noises, [...tampered, ...plain]);
      }) },
      { weight: 2, arbitrary: fc.tuple(baseEvent.filter((event) => event.type !== 'exposure'), fc.array(noise, { maxLength: 2 }), fc.array(conversionDefect, { maxLength: 2 })).map(([event, noises, defects]) => mutate(event, noises, defects)) },
      { weight: 1, arbitrary: hostileValue },
    );
    const envelope = fc.oneof(
      { weight: 8, arbitrary: fc.array(invalidEvent, { minLength: 1, maxLength: 6 }).map((events) => ({ text: toJsonText({ events }), events: events.length })) },
      { weight: 1, arbitrary: fc.tuple(fc.array(invalidEvent, { minLength: 1, maxLength: 3 }), hostileKey, hostileValue).map(([events, key, value]) => ({ text: toJsonText(Object.fromEntries([['events', events], [key === 'events' ? 'other' : key, value]])), events: events.length })) },
      {
        weight: 2,
        arbitrary: fc.oneof(
          fc.constant('{"events":[]}'),
          fc.constant(toJsonText({ events: Array.from({ length: 101 }, () => ({})) })),
          nonObject.filter((value) => !Array.isArray(value)).map((events) => toJsonText({ events })),
          fc.constant('{"__proto__":{"events":[{}]}}'),
          fc.constant('{"evnts":[{}]}'),
          fc.constant('{}'),
          malformedJson,
          deepNesting,
          wrongTopLevel,
          fc.constant(`{"events":[${'{"a":'.repeat(40)}1${'}'.repeat(40)}]}`),
        ).map((text) => ({ text, events: -1 })),
      },
    );
    const statuses = new Set<number>();
    const reasons = new Set<string>();
    await fc.assert(
      fc.asyncProperty(envelope, contentType, async (document, type) => {
        const headers: Record<string, string> = {};
        if (type !== undefined) headers['content-type'] = type;
        const request: RawRequest = { method: 'POST', path: `/v1/events?key=${target.keys.sdk}`, headers, body: document.text };
        const writesBefore = server.writes();
        const response = await send(server.base, request);
        expectWellFormed('events', request, response, [200, 400, 413, 415]);
        statuses.add(response.status);
        if (response.status === 200) {
          expectAllRefused(request, response, document.events);
          for (const rejection of (response.json as { rejected: { reason: string }[] }).rejected) reasons.add(rejection.reason);
        }
        expect(server.writes(), 'a refused event wrote to the table').toBe(writesBefore);
      }),
      { numRuns: RUNS },
    );
    expect([...statuses]).toEqual(expect.arrayContaining([200, 400, 415]));
    // Every check an event goes through was reached (a goal without revenue, partial coverage and the per-visitor limit are not set up here).
    expect([...reasons].sort()).toEqual(
      rejectionReasons.filter((reason) => !['revenue_not_tracked', 'not_included', 'visitor_event_limit'].includes(reason)).sort(),
    );
  });
});

describe('the table after hostile public traffic', () => {
  it('holds what it held before, plus the exposures of the assignments that were accepted', async () => {
    const changed = changedItems(before, await target.snapshot());
    const allowed = changed.filter((key) => {
      const match = /^VIS#(hero-offer|targeted-offer)#1#(.*)\|STATE$/.exec(key);
      return match !== null && assignedVisitors.has(match[2]!);
    });
    expect(changed.filter((key) => !allowed.includes(key))).toEqual([]);
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

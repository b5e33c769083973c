import { expect } from 'vitest';
import { routeByName, type RouteName } from '../../../src/routes.ts';
import type { RawRequest, RawResponse } from '../../reliability/support/http-client.ts';

/** Reasons /v1/events may give for refusing an event (domain/event.ts). */
export const rejectionReasons = [
  'invalid_event',
  'unknown_experiment',
  'experiment_not_running',
  'stale_phase',
  'unknown_variant',
  'variant_mismatch',
  'not_included',
  'unknown_goal',
  'unknown_stage',
  'revenue_not_tracked',
  'currency_mismatch',
  'not_exposed',
  'timestamp_out_of_range',
  'visitor_event_limit',
];

const GENERIC_500_MESSAGE = 'Something went wrong on our side';

const describeRequest = (request: RawRequest) => {
  const body = request.body === undefined ? '' : String(request.body);
  return `${request.method} ${request.path.slice(0, 200)} ${body.length > 300 ? `${body.slice(0, 300)}… (${body.length} chars)` : body}`;
};

/**
 * What every answer to hostile input must look like: never a 5xx, a status the route may give,
 * an error as JSON `{ error, message, details? }` with a message a person can act on, and CORS
 * headers only on the public (SDK) routes.
 */
export function expectWellFormed(route: RouteName, request: RawRequest, response: RawResponse, statuses: readonly number[]): void {
  const where = `${route}: ${describeRequest(request)} → ${response.status} ${response.text.slice(0, 300)}`;
  expect(response.status, where).toBeLessThan(500);
  expect(statuses, where).toContain(response.status);
  if (routeByName(route).access !== 'sdk') expect(response.headers['access-control-allow-origin'], where).toBeUndefined();
  if (response.status < 400) return;
  expect(String(response.headers['content-type']), where).toMatch(/^application\/json/);
  const body = response.json as Record<string, unknown> | undefined;
  expect(body, where).toBeTypeOf('object');
  expect(Object.keys(body!).every((key) => ['error', 'message', 'details'].includes(key)), where).toBe(true);
  expect(body!['error'], where).toMatch(/^[a-z_]+$/);
  expect(body!['message'], where).toBeTypeOf('string');
  expect((body!['message'] as string).length, where).toBeGreaterThanOrEqual(12);
  expect(body!['message'], where).not.toContain(GENERIC_500_MESSAGE);
}

/** A 200 from /v1/events for events that are all invalid: every one refused, by index, with a reason and a message. */
export function expectAllRefused(request: RawRequest, response: RawResponse, count: number): void {
  const where = `events: ${describeRequest(request)} → ${response.text.slice(0, 500)}`;
  const body = response.json as { accepted: number; duplicates: number; rejected: { index: number; reason: string; message: string }[] };
  expect(body.accepted, where).toBe(0);
  expect(body.duplicates, where).toBe(0);
  expect(body.rejected.map((rejection) => rejection.index), where).toEqual(Array.from({ length: count }, (_, index) => index));
  for (const rejection of body.rejected) {
    expect(rejectionReasons, where).toContain(rejection.reason);
    expect(rejection.message.length, where).toBeGreaterThanOrEqual(8);
  }
}

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEventQueue } from '../src/event-queue.ts';
import type { UpshotEvent } from '../src/types.ts';
import { FakeStorage, installFakeBrowser, uninstallFakeBrowser, type FakeBrowser } from './support/fake-browser.ts';

const URL_ = 'https://api.example/v1/events?key=ups_test';
const KEY = 'upshot:qups_test';

let sequence = 0;
function event(overrides: Partial<UpshotEvent> = {}): UpshotEvent {
  sequence++;
  return { id: `event-${String(sequence).padStart(4, '0')}`, type: 'exposure', experiment: 'hero-offer', variant: 'B', visitor: 'visitor-1', ts: 1_700_000_000_000 + sequence, phase: 1, ...overrides };
}

/** Lets the promise callbacks of a fake fetch run. */
const settle = () => vi.advanceTimersByTimeAsync(0);

let browser: FakeBrowser;
const warnings: unknown[][] = [];
const warn = (...args: unknown[]) => warnings.push(args);

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
  browser = installFakeBrowser({ beacon: true });
  warnings.length = 0;
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  uninstallFakeBrowser();
});

describe('createEventQueue', () => {
  it('sends queued events together in one text/plain keepalive POST 100 ms after the first', async () => {
    const queue = createEventQueue(URL_, KEY, warn);
    queue.start(browser.storage);
    const pushed = [event(), event()];
    pushed.forEach(queue.push);
    await vi.advanceTimersByTimeAsync(99);
    expect(browser.fetch.eventPosts).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(browser.fetch.eventPosts).toHaveLength(1);
    const [request] = browser.fetch.eventPosts;
    expect(request!.url).toBe(URL_);
    expect(request!.init).toMatchObject({ method: 'POST', keepalive: true, credentials: 'omit' });
    // A string body without headers is sent as text/plain: a simple request, no CORS preflight.
    expect(typeof request!.init.body).toBe('string');
    expect(request!.init.headers).toBeUndefined();
    expect(request!.events).toEqual(pushed);
  });

  it('sends at once when 20 events wait', async () => {
    const queue = createEventQueue(URL_, KEY, warn);
    queue.start(browser.storage);
    await vi.advanceTimersByTimeAsync(100);
    for (let i = 0; i < 19; i++) queue.push(event());
    expect(browser.fetch.eventPosts).toHaveLength(0);
    queue.push(event());
    expect(browser.fetch.eventPosts).toHaveLength(1);
    expect(browser.fetch.eventPosts[0]!.events).toHaveLength(20);
  });

  it('removes events once acknowledged, rejected ones included, since a rejection is final', async () => {
    const queue = createEventQueue(URL_, KEY, warn);
    queue.start(browser.storage);
    queue.push(event());
    queue.push(event({ type: 'conversion', goal: 'nope' }));
    browser.fetch.replies.push({ status: 200, body: { accepted: 1, duplicates: 0, rejected: [{ index: 1, reason: 'unknown_goal', message: 'No goal "nope".' }] } });
    await vi.advanceTimersByTimeAsync(100);
    await settle();
    expect(browser.storage.json(KEY)).toEqual([]);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(browser.fetch.eventPosts).toHaveLength(1);
    expect(warnings).toContainEqual(['response', { accepted: 1, duplicates: 0, rejected: [{ index: 1, reason: 'unknown_goal', message: 'No goal "nope".' }] }]);
  });

  it('keeps events after a network error, 5xx or 429 and retries them, with their ids, after 1 s, 2 s, 4 s…', async () => {
    const queue = createEventQueue(URL_, KEY, warn);
    queue.start(browser.storage);
    const sent = event();
    queue.push(sent);
    browser.fetch.replies.push(new TypeError('Failed to fetch'), { status: 503 }, { status: 429 }, { status: 500 });
    await vi.advanceTimersByTimeAsync(100);
    const times: number[] = [Date.now()];
    for (let attempt = 0; attempt < 4; attempt++) {
      const before = browser.fetch.eventPosts.length;
      while (browser.fetch.eventPosts.length === before) await vi.advanceTimersByTimeAsync(50);
      times.push(Date.now());
    }
    // Math.random is 0.5: the jitter factor is exactly 1.
    expect(times.slice(1).map((time, index) => time - times[index]!)).toEqual([1000, 2000, 4000, 8000]);
    expect(browser.fetch.eventPosts.every((request) => request.events[0]!['id'] === sent.id)).toBe(true);
    expect(browser.storage.json(KEY)).toEqual([]);
  });

  it('drops a batch the API refuses as malformed (400, 413, 415) instead of retrying it forever', async () => {
    const queue = createEventQueue(URL_, KEY, warn);
    queue.start(browser.storage);
    queue.push(event());
    browser.fetch.replies.push({ status: 413, body: { error: 'payload_too_large' } });
    await vi.advanceTimersByTimeAsync(100);
    await settle();
    expect(browser.storage.json(KEY)).toEqual([]);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(browser.fetch.eventPosts).toHaveLength(1);
    expect(warnings).toContainEqual(['response', { error: 'payload_too_large' }]);
  });

  it('splits a long queue into requests of at most 100 events and 60,000 bytes, in order', async () => {
    const queue = createEventQueue(URL_, KEY, warn);
    const small = Array.from({ length: 150 }, () => event());
    const large = Array.from({ length: 30 }, () => event({ type: 'abandonment', stage: 'checkout', reason: 'ü'.repeat(1000) }));
    browser.storage.setItem(KEY, JSON.stringify([...small, ...large]));
    queue.start(browser.storage);
    await vi.runAllTimersAsync();
    const sizes = browser.fetch.eventPosts.map((request) => new Blob([request.init.body as string]).size);
    const counts = browser.fetch.eventPosts.map((request) => request.events.length);
    // 30 events of about 2.1 KB cannot go in one request with the first 150: at least three requests.
    expect(counts[0]).toBe(100);
    expect(counts.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...counts)).toBeLessThanOrEqual(100);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(60_000);
    expect(browser.fetch.sentEvents.map((sent) => sent['id'])).toEqual([...small, ...large].map((sent) => sent.id));
  });

  it('keeps unsent events in storage, so the next page load sends them', async () => {
    const first = createEventQueue(URL_, KEY, warn);
    first.start(browser.storage);
    const lost = event();
    first.push(lost);
    browser.fetch.replies.push(new TypeError('Failed to fetch'));
    await vi.advanceTimersByTimeAsync(100);
    expect(browser.storage.json(KEY)).toEqual([lost]);

    // The page is gone; the next one starts a new queue on the same storage.
    vi.clearAllTimers();
    const second = createEventQueue(URL_, KEY, warn);
    second.start(browser.storage);
    await vi.advanceTimersByTimeAsync(100);
    await settle();
    expect(browser.fetch.eventPosts.at(-1)!.events).toEqual([lost]);
    expect(browser.storage.json(KEY)).toEqual([]);
  });

  it('shares one queue between tabs: an event pushed by one is not overwritten by the other', () => {
    const tabA = createEventQueue(URL_, KEY, warn);
    const tabB = createEventQueue(URL_, KEY, warn);
    tabA.start(browser.storage);
    tabB.start(browser.storage);
    const fromA = event();
    const fromB = event();
    tabA.push(fromA);
    tabB.push(fromB);
    expect(browser.storage.json(KEY)).toEqual([fromA, fromB]);
  });

  it('hands unacknowledged events to sendBeacon once on exit and keeps them until a fetch has them acknowledged', async () => {
    const queue = createEventQueue(URL_, KEY, warn);
    queue.start(browser.storage);
    const pending = [event(), event()];
    pending.forEach(queue.push);
    queue.exit();
    queue.exit();
    expect(browser.beacons).toEqual([{ url: URL_, events: pending }]);
    expect(browser.fetch.eventPosts).toHaveLength(0);
    expect(browser.storage.json(KEY)).toEqual(pending);
    // The page stayed (a hidden tab came back): the next flush confirms them; the API answers duplicates.
    await vi.advanceTimersByTimeAsync(100);
    await settle();
    expect(browser.fetch.eventPosts[0]!.events).toEqual(pending);
    expect(browser.storage.json(KEY)).toEqual([]);
  });

  it('falls back to fetch with keepalive when sendBeacon refuses the body', () => {
    uninstallFakeBrowser();
    browser = installFakeBrowser({ beacon: false });
    const queue = createEventQueue(URL_, KEY, warn);
    queue.start(browser.storage);
    queue.push(event());
    queue.exit();
    expect(browser.fetch.eventPosts).toHaveLength(1);
    expect(browser.fetch.eventPosts[0]!.init.keepalive).toBe(true);
  });

  it('falls back to fetch with keepalive where there is no sendBeacon', () => {
    uninstallFakeBrowser();
    browser = installFakeBrowser({});
    const queue = createEventQueue(URL_, KEY, warn);
    queue.start(browser.storage);
    queue.push(event());
    queue.exit();
    expect(browser.fetch.eventPosts).toHaveLength(1);
  });

  it('neither stores nor sends anything before start', async () => {
    const queue = createEventQueue(URL_, KEY, warn);
    queue.push(event());
    queue.flush();
    queue.exit();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(browser.storage.writes).toBe(0);
    expect(browser.fetch.requests).toHaveLength(0);
    expect(browser.beacons).toHaveLength(0);
  });

  it('keeps the queue in memory when storage refuses writes, and still delivers', async () => {
    const storage = new FakeStorage();
    storage.failWrites = true;
    const queue = createEventQueue(URL_, KEY, warn);
    queue.start(storage);
    const kept = event();
    queue.push(kept);
    await vi.advanceTimersByTimeAsync(100);
    await settle();
    expect(browser.fetch.sentEvents).toEqual([kept]);
  });

  it('sends nothing while a request is in flight, then the rest', async () => {
    const queue = createEventQueue(URL_, KEY, warn);
    queue.start(browser.storage);
    let answer: (value: Response) => void = () => undefined;
    vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
      browser.fetch.requests.push({ url, init, events: (JSON.parse(init.body as string) as { events: Record<string, unknown>[] }).events });
      return new Promise<Response>((resolve) => (answer = resolve));
    });
    const first = event();
    queue.push(first);
    await vi.advanceTimersByTimeAsync(100);
    const second = event();
    queue.push(second);
    await vi.advanceTimersByTimeAsync(500);
    expect(browser.fetch.requests).toHaveLength(1);
    answer({ status: 200, json: () => Promise.resolve({ accepted: 1, duplicates: 0, rejected: [] }) } as Response);
    await vi.advanceTimersByTimeAsync(10);
    expect(browser.fetch.requests.map((request) => request.events)).toEqual([[first], [second]]);
  });
});

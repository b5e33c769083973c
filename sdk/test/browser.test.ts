import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, readKey, startPlatformProcess, stopPlatformProcess, type CountsRow, type PlatformProcess } from '../../functions/test/e2e/platform-process.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../test/support/chromium.ts';
import { bundle } from '../scripts/bundle.ts';
import { assign } from '../src/assign.ts';
import type { ExperimentConfig } from '../src/config.ts';

/**
 * The SDK in a real headless Chromium against the real local platform (a child process, one for
 * this file), on the demo page, once with the minified bundle and once with the readable one. The
 * page, its script and the bundle under test are served with `context.route` on the platform's
 * origin; the API calls go to the platform for real. Every experiment is created fresh for its
 * test, so the counts it reads are its own.
 */

const DEMO_DIR = join(import.meta.dirname, '../demo');

let platform: PlatformProcess | undefined;
let dataDir: string;
let browser: Browser;
let sdkKey: string;
let adminKey: string;
let userAgent: string;
const bundles: Record<'minified' | 'readable', string> = { minified: '', readable: '' };
const demoFiles = new Map<string, { body: string; contentType: string }>();
let experimentCount = 0;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'upshot-sdk-browser-'));
  const [started, minified, readable] = await Promise.all([
    freePort().then((port) => startPlatformProcess(dataDir, port)),
    bundle('upshot.js', true),
    bundle('upshot.js', false),
  ]);
  platform = started;
  bundles.minified = Buffer.from(minified).toString('utf8');
  bundles.readable = Buffer.from(readable).toString('utf8');
  for (const [name, contentType] of [
    ['index.html', 'text/html; charset=utf-8'],
    ['demo.js', 'text/javascript; charset=utf-8'],
    ['demo.css', 'text/css; charset=utf-8'],
  ] as const) {
    demoFiles.set(name, { body: await readFile(join(DEMO_DIR, name), 'utf8'), contentType });
  }
  [sdkKey, adminKey] = await Promise.all([readKey(dataDir, 'sdk-key'), readKey(dataDir, 'admin-key')]);
  // Playwright's navigator.webdriver and HeadlessChrome user agent are exactly what the SDK refuses
  // to track; the visitors of these tests present themselves as an ordinary Chrome. One test below
  // checks that an automated browser is not tracked.
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--disable-blink-features=AutomationControlled'], headless: true });
  userAgent = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${browser.version()} Safari/537.36`;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stopPlatformProcess(platform);
  await rm(dataDir, { recursive: true, force: true });
});

async function api(path: string, init: RequestInit = {}): Promise<unknown> {
  const response = await fetch(`${platform!.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json', ...init.headers },
  });
  const body = (await response.json()) as unknown;
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** A running copy of the demo experiment `hero-offer` under a new key. */
async function newExperiment(): Promise<string> {
  const demo = (await api('/v1/experiments/hero-offer')) as Record<string, unknown>;
  const key = `browser-${++experimentCount}-${Date.now().toString(36)}`;
  const fields = ['name', 'hypothesis', 'variants', 'coverage', 'targeting', 'goals', 'stages', 'costs', 'margin', 'currency'];
  await api('/v1/experiments', { method: 'POST', body: JSON.stringify({ key, ...Object.fromEntries(fields.map((field) => [field, demo[field]])) }) });
  await api(`/v1/experiments/${key}/launch`, { method: 'POST' });
  return key;
}

async function rows(experiment: string): Promise<CountsRow[]> {
  const body = (await api(`/v1/experiments/${experiment}/results`)) as { variants: CountsRow[] };
  return body.variants
    .map(({ key, visitors, conversions, revenue, abandonments, recovered }) => ({ key, visitors, conversions, revenue, abandonments, recovered }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

/** The counts the platform should reach: `counts` for `variant`, nothing for the other. */
function expectedRows(variant: string, counts: Partial<CountsRow>): CountsRow[] {
  const empty = (key: string): CountsRow => ({ key, visitors: 0, conversions: 0, revenue: 0, abandonments: { cart: 0, checkout: 0 }, recovered: { cart: 0, checkout: 0 } });
  return ['A', 'B'].map((key) => (key === variant ? { ...empty(key), ...counts } : empty(key)));
}

/**
 * Polls the results until they equal `expected` (the aggregator runs about a second behind the
 * writes) and then once more after the aggregator had time for anything late, so a count that is
 * right only for a moment fails.
 */
async function settledRows(experiment: string, expected: CountsRow[], timeoutMs = 20_000): Promise<CountsRow[]> {
  const deadline = Date.now() + timeoutMs;
  let last = await rows(experiment);
  while (JSON.stringify(last) !== JSON.stringify(expected) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    last = await rows(experiment);
  }
  if (JSON.stringify(last) !== JSON.stringify(expected)) return last;
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  return rows(experiment);
}

interface Visit {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far. */
  errors: string[];
  /** Bodies of the event POSTs the page made. */
  eventPosts: { events: Record<string, unknown>[] }[];
  apiRequests: string[];
}

/** A new visitor (fresh context) on the demo page served with the bundle under test. */
async function visit(bundleName: keyof typeof bundles, query: Record<string, string>, options: { automated?: boolean; configDelayMs?: number } = {}): Promise<Visit> {
  const context = await browser.newContext({ userAgent });
  if (options.automated) await context.addInitScript(() => Object.defineProperty(navigator, 'webdriver', { get: () => true }));
  const delay = options.configDelayMs;
  if (delay !== undefined) {
    await context.route(
      (url) => url.pathname === '/v1/config',
      (route) => setTimeout(() => route.continue().catch(() => undefined), delay),
    );
  }
  const origin = platform!.url;
  await context.route(
    (url) => url.origin === origin && (url.pathname.startsWith('/demo/') || url.pathname === '/sdk/upshot.js'),
    (route) => {
      const { pathname } = new URL(route.request().url());
      if (pathname === '/sdk/upshot.js') return route.fulfill({ body: bundles[bundleName], contentType: 'text/javascript; charset=utf-8' });
      const file = demoFiles.get(pathname.slice('/demo/'.length) || 'index.html');
      return file ? route.fulfill({ body: file.body, contentType: file.contentType }) : route.fulfill({ status: 404, body: '' });
    },
  );
  const page = await context.newPage();
  const result: Visit = { context, page, errors: [], eventPosts: [], apiRequests: [] };
  const watch = (watched: Page) => {
    watched.on('console', (message) => {
      if (message.type() === 'error') result.errors.push(message.text());
    });
    watched.on('pageerror', (error) => result.errors.push(error.message));
    watched.on('request', (request) => {
      const url = new URL(request.url());
      if (!url.pathname.startsWith('/v1/')) return;
      result.apiRequests.push(`${request.method()} ${url.pathname}`);
      if (url.pathname === '/v1/events') result.eventPosts.push(JSON.parse(request.postData() ?? '{}') as { events: Record<string, unknown>[] });
    });
  };
  watch(page);
  context.on('page', watch);
  await page.goto(demoUrl(query));
  return result;
}

function demoUrl(query: Record<string, string>): string {
  return `${platform!.url}/demo/?${new URLSearchParams({ key: sdkKey, ...query })}`;
}

/** Waits until the offer is visible and rendered; returns its variant ("default" when the SDK answered null). */
async function shownVariant(page: Page): Promise<string> {
  await page.waitForFunction(() => {
    const offer = document.getElementById('offer');
    return offer !== null && offer.dataset['variant'] !== '' && getComputedStyle(offer).visibility === 'visible';
  });
  return (await page.getAttribute('#offer', 'data-variant'))!;
}

/** Milliseconds from the SDK's start until the offer was visible, measured in the page. */
async function msUntilShown(page: Page): Promise<number> {
  const handle = await page.waitForFunction(() => {
    const offer = document.getElementById('offer');
    const started = (window as unknown as { upshotStartedAt: number }).upshotStartedAt;
    return offer !== null && getComputedStyle(offer).visibility === 'visible' && performance.now() - started;
  });
  return (await handle.jsonValue()) as number;
}

/** The SDK's persisted queue on this page: empty once the API acknowledged everything. */
async function queued(page: Page): Promise<unknown[]> {
  return page.evaluate((key) => JSON.parse(localStorage.getItem(`upshot:q${key}`) ?? '[]') as unknown[], sdkKey);
}

async function drained(page: Page): Promise<void> {
  await expect.poll(() => queued(page), { timeout: 10_000 }).toEqual([]);
}

const revenueOf = (variant: string) => (variant === 'B' ? 2241 : 2490);

describe.each(['minified', 'readable'] as const)('the browser SDK on the demo page (%s bundle)', (bundleName) => {
  it('shows each visitor the variant the server assigns them, with its payload', { timeout: 60_000 }, async () => {
    const experiment = await newExperiment();
    const shown: Record<string, string> = {};
    const { context, page, errors } = await visit(bundleName, { experiment });
    const randomVisitor = (await page.evaluate(() => (window as unknown as { upshot: { visitorId: string } }).upshot.visitorId))!;
    shown[randomVisitor] = await shownVariant(page);
    // Logged-in ids, three the experiment's new seed puts in A and three in B, so both variants show.
    const { experiments } = (await (await fetch(`${platform!.url}/v1/config?key=${sdkKey}`)).json()) as { experiments: ExperimentConfig[] };
    const config = experiments.find((candidate) => candidate.key === experiment)!;
    const ids = Array.from({ length: 100 }, (_, i) => `user-${bundleName}-${i}`);
    const users = ['A', 'B'].flatMap((variant) => ids.filter((id) => assign(config, id, {}) === variant).slice(0, 3));
    for (const visitor of users) {
      await page.goto(demoUrl({ experiment, visitor }));
      shown[visitor] = await shownVariant(page);
    }
    for (const [visitor, variant] of Object.entries(shown)) {
      const body = (await api(`/v1/assign?key=${sdkKey}`, { method: 'POST', body: JSON.stringify({ visitor, experiments: [experiment] }) })) as {
        assignments: Record<string, { variant: string }>;
      };
      expect(variant, visitor).toBe(body.assignments[experiment]!.variant);
    }
    expect(Object.keys(shown)).toHaveLength(7);
    // The last page is a B visitor's: the percentage headline and the badge.
    expect(await page.textContent('#headline')).toBe('10% off your first order');
    expect(await page.textContent('#price')).toBe('€22.41 instead of €24.90');
    expect(await page.isVisible('#badge')).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('records a purchase once, with its revenue, and the exposure once across reloads', { timeout: 60_000 }, async () => {
    const experiment = await newExperiment();
    const { context, page, errors, eventPosts } = await visit(bundleName, { experiment });
    const variant = await shownVariant(page);
    await page.click('#cta');
    await page.click('#to-checkout');
    await page.click('#pay');
    await drained(page);
    await page.reload();
    await shownVariant(page);
    await page.reload();
    expect(await shownVariant(page)).toBe(variant);
    await drained(page);
    const sent = eventPosts.flatMap((post) => post.events);
    expect(sent.filter((event) => event['type'] === 'exposure')).toHaveLength(1);
    expect(sent.filter((event) => event['type'] === 'conversion')).toEqual([
      expect.objectContaining({ experiment, variant, goal: 'purchase', revenue: revenueOf(variant), currency: 'EUR', phase: 1 }),
    ]);
    expect(await settledRows(experiment, expectedRows(variant, { visitors: 1, conversions: 1, revenue: revenueOf(variant) }))).toEqual(
      expectedRows(variant, { visitors: 1, conversions: 1, revenue: revenueOf(variant) }),
    );
    expect(errors).toEqual([]);
    await context.close();
  });

  it('records an abandonment when the tab is closed mid-checkout, recovered by a later purchase', { timeout: 60_000 }, async () => {
    const experiment = await newExperiment();
    const { context, page, errors } = await visit(bundleName, { experiment });
    const variant = await shownVariant(page);
    await page.click('#cta');
    await page.click('#to-checkout');
    await page.close();
    expect(await settledRows(experiment, expectedRows(variant, { visitors: 1, abandonments: { cart: 0, checkout: 1 } }))).toEqual(
      expectedRows(variant, { visitors: 1, abandonments: { cart: 0, checkout: 1 } }),
    );

    // The same visitor comes back in a new tab and buys.
    const again = await context.newPage();
    await again.goto(demoUrl({ experiment }));
    expect(await shownVariant(again)).toBe(variant);
    await again.click('#cta');
    await again.click('#to-checkout');
    await again.click('#pay');
    const bought = { visitors: 1, conversions: 1, revenue: revenueOf(variant), abandonments: { cart: 0, checkout: 1 }, recovered: { cart: 0, checkout: 1 } };
    expect(await settledRows(experiment, expectedRows(variant, bought))).toEqual(expectedRows(variant, bought));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps a purchase made offline through a reload and delivers it exactly once when back online', { timeout: 60_000 }, async () => {
    const experiment = await newExperiment();
    const { context, page } = await visit(bundleName, { experiment });
    const variant = await shownVariant(page);
    await drained(page);
    await context.setOffline(true);
    await page.click('#cta');
    await page.click('#to-checkout');
    await page.click('#pay');
    // Sent and failed at least once; still queued.
    await page.waitForTimeout(300);
    expect(await queued(page)).toEqual([expect.objectContaining({ type: 'conversion', revenue: revenueOf(variant) })]);
    await page.reload();
    expect(await shownVariant(page)).toBe(variant);
    expect(await queued(page)).toEqual([expect.objectContaining({ type: 'conversion', revenue: revenueOf(variant) })]);
    await context.setOffline(false);
    await drained(page);
    await page.reload();
    await shownVariant(page);
    const expected = expectedRows(variant, { visitors: 1, conversions: 1, revenue: revenueOf(variant) });
    expect(await settledRows(experiment, expected)).toEqual(expected);
    await context.close();
  });

  it('shows the control within the timeout when the API refuses connections', { timeout: 60_000 }, async () => {
    const experiment = await newExperiment();
    const { context, page } = await visit(bundleName, { experiment, api: `http://localhost:${await freePort()}` });
    // A refused connection fails fast: the control shows at once, well before the 1 s timeout.
    expect(await msUntilShown(page)).toBeLessThan(900);
    expect(await shownVariant(page)).toBe('default');
    expect(await page.textContent('#headline')).toBe('Save today');
    expect(await page.isVisible('#badge')).toBe(false);
    await context.close();
  });

  it('shows the control after the timeout, never a blank offer, when the API hangs, and keeps it', { timeout: 60_000 }, async () => {
    const experiment = await newExperiment();
    const { context, page } = await visit(bundleName, { experiment }, { configDelayMs: 2_500 });
    const shownAfter = await msUntilShown(page);
    expect(shownAfter).toBeGreaterThanOrEqual(1_000);
    expect(shownAfter).toBeLessThan(1_600);
    expect(await shownVariant(page)).toBe('default');
    // The config arrives late: the page does not switch the offer under the visitor's eyes.
    await page.waitForTimeout(2_500);
    expect(await page.getAttribute('#offer', 'data-variant')).toBe('default');
    expect(await page.textContent('#headline')).toBe('Save today');
    await context.close();
  });

  it('shows a forced variant for QA and records nothing', { timeout: 60_000 }, async () => {
    const experiment = await newExperiment();
    const { context, page, apiRequests, errors } = await visit(bundleName, { experiment, upshot: `${experiment}:B` });
    expect(await shownVariant(page)).toBe('B');
    expect(await page.textContent('#headline')).toBe('10% off your first order');
    await page.click('#cta');
    await page.click('#to-checkout');
    await page.click('#pay');
    await page.close();
    expect(apiRequests.filter((request) => request.startsWith('POST'))).toEqual([]);
    expect(await rows(experiment)).toEqual(expectedRows('A', {}));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('stores and sends nothing before consent, and tracks from the next page once it is given', { timeout: 60_000 }, async () => {
    const experiment = await newExperiment();
    const { context, page, apiRequests, errors } = await visit(bundleName, { experiment, consent: 'ask' });
    expect(await shownVariant(page)).toBe('default');
    await page.waitForTimeout(300);
    expect(apiRequests).toEqual([]);
    expect(await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('upshot:')))).toEqual([]);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    await page.click('#consent-accept');
    await expect.poll(() => apiRequests).toEqual(['GET /v1/config']);
    const visitor = await page.evaluate(() => (window as unknown as { upshot: { visitorId: string } }).upshot.visitorId);
    expect(visitor).toMatch(/^[0-9a-f-]{36}$/);
    await page.goto(demoUrl({ experiment }));
    const variant = await shownVariant(page);
    await drained(page);
    expect(await settledRows(experiment, expectedRows(variant, { visitors: 1 }))).toEqual(expectedRows(variant, { visitors: 1 }));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('never tracks an automated browser (navigator.webdriver)', { timeout: 60_000 }, async () => {
    const experiment = await newExperiment();
    const { context, page, apiRequests, errors } = await visit(bundleName, { experiment }, { automated: true });
    expect(await shownVariant(page)).toBe('default');
    await page.click('#cta');
    await page.click('#to-checkout');
    await page.close();
    expect(apiRequests).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  const apis: [name: string, url: () => string][] = [
    ['the platform', () => platform!.url],
    ["the SDK endpoint (its function URL's twin)", () => platform!.sdkEndpointUrl],
  ];
  for (const [name, apiUrl] of apis) it(`works from another origin through ${name}: config with CORS, events as text/plain, no preflight needed`, { timeout: 60_000 }, async () => {
    const api = apiUrl();
    const experiment = await newExperiment();
    const server = await serveDemoElsewhere(bundleName);
    try {
      const context = await browser.newContext({ userAgent });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
      // Preflights are not page requests; the DevTools protocol shows them.
      const preflights: string[] = [];
      const devtools = await context.newCDPSession(page);
      devtools.on('Network.requestWillBeSent', ({ request }) => request.method === 'OPTIONS' && preflights.push(request.url));
      await devtools.send('Network.enable');
      const apiResponses: { url: string; allowOrigin: string | undefined }[] = [];
      page.on('response', async (response) => {
        if (response.url().startsWith(api)) apiResponses.push({ url: response.url(), allowOrigin: (await response.allHeaders())['access-control-allow-origin'] });
      });
      await page.goto(`${server.url}/demo/?${new URLSearchParams({ key: sdkKey, experiment, api })}`);
      const variant = await shownVariant(page);
      expect(['A', 'B']).toContain(variant);
      await page.click('#cta');
      await page.click('#to-checkout');
      await page.click('#pay');
      await drained(page);
      const expected = expectedRows(variant, { visitors: 1, conversions: 1, revenue: revenueOf(variant) });
      expect(await settledRows(experiment, expected)).toEqual(expected);
      expect(errors).toEqual([]);
      expect(preflights).toEqual([]);
      // Config and events came from this API, each answered with exactly the page's origin (one header, not two).
      expect(apiResponses.some((response) => response.url.includes('/v1/config'))).toBe(true);
      expect(apiResponses.some((response) => response.url.includes('/v1/events'))).toBe(true);
      for (const response of apiResponses) expect(response.allowOrigin, response.url).toBe(server.url);
      // The check can fail: a request with a custom header is preflighted, and seen.
      await page.evaluate((url) => fetch(url, { headers: { 'x-probe': '1' } }).catch(() => undefined), `${api}/v1/health`);
      await expect.poll(() => preflights).toEqual([`${api}/v1/health`]);
      await context.close();
    } finally {
      await new Promise((resolve) => server.server.close(resolve));
    }
  });
});

/** The demo and the bundle under test from a plain HTTP server on 127.0.0.1, another origin than the platform's localhost. */
async function serveDemoElsewhere(bundleName: keyof typeof bundles): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (pathname === '/sdk/upshot.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      response.end(bundles[bundleName]);
      return;
    }
    const file = pathname.startsWith('/demo/') ? demoFiles.get(pathname.slice('/demo/'.length) || 'index.html') : undefined;
    response.writeHead(file ? 200 : 404, { 'content-type': file?.contentType ?? 'text/plain' });
    response.end(file?.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

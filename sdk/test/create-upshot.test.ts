import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { assign } from '../src/assign.ts';
import type { Attributes, ExperimentConfig } from '../src/config.ts';
import { createUpshot } from '../src/index.ts';
import type { UpshotOptions } from '../src/types.ts';
import { FakeFetch, FakeStorage, installFakeBrowser, uninstallFakeBrowser, type FakeBrowser, type FakeBrowserOptions } from './support/fake-browser.ts';

const SDK_KEY = 'ups_test';
const API = 'https://api.example';

function heroOffer(overrides: Partial<ExperimentConfig> = {}): ExperimentConfig {
  return {
    key: 'hero-offer',
    phase: 1,
    seed: 'seed-1',
    hashVersion: 1,
    coverage: 1,
    variants: [
      { key: 'A', weight: 0.5, control: true, payload: { headline: 'Save today' } },
      { key: 'B', weight: 0.5, control: false, payload: { headline: '10% off your first order' } },
    ],
    targeting: [],
    goals: [{ key: 'purchase', primary: true, revenue: true }],
    stages: ['cart', 'checkout'],
    currency: 'EUR',
    ...overrides,
  };
}

const otherTest: ExperimentConfig = { ...heroOffer(), key: 'price-display', seed: 'seed-2', goals: [{ key: 'subscribe', primary: true, revenue: false }], stages: ['plan'] };

/** Lets fake fetch promises and the 100 ms batching delay run. */
const settle = () => vi.advanceTimersByTimeAsync(150);

let browser: FakeBrowser;

function page(options: Partial<UpshotOptions> = {}) {
  return createUpshot({ apiUrl: API, sdkKey: SDK_KEY, ...options });
}

/** A new page load in the same browser: same storage and API, new globals and client. */
function reload(browserOptions: FakeBrowserOptions = {}): FakeBrowser {
  uninstallFakeBrowser();
  browser = installFakeBrowser({ storage: browser.storage, fetch: browser.fetch, beacon: true, ...browserOptions });
  return browser;
}

beforeEach(() => {
  vi.useFakeTimers();
  browser = installFakeBrowser({ beacon: true });
  browser.fetch.config = { experiments: [heroOffer(), otherTest] };
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  uninstallFakeBrowser();
});

describe('createUpshot: assignment and exposures', () => {
  it('shows the variant the shared assign gives this visitor, with its payload', async () => {
    const upshot = page({ visitorId: 'user-42' });
    expect(await upshot.ready()).toBe(true);
    const expected = assign(heroOffer(), 'user-42', {});
    expect(upshot.variant('hero-offer')).toEqual({ key: expected, payload: heroOffer().variants.find((variant) => variant.key === expected)!.payload });
  });

  it('logs one exposure per visitor, experiment and phase, also across page loads', async () => {
    const first = page();
    await first.ready();
    const shown = first.variant('hero-offer');
    first.variant('hero-offer');
    await settle();
    expect(browser.fetch.sentEvents.filter((sent) => sent['type'] === 'exposure')).toHaveLength(1);

    reload();
    const second = page();
    await second.ready();
    expect(second.visitorId).toBe(first.visitorId);
    expect(second.variant('hero-offer')).toEqual(shown);
    await settle();
    expect(browser.fetch.sentEvents.filter((sent) => sent['type'] === 'exposure')).toHaveLength(1);
    expect(browser.fetch.sentEvents[0]).toMatchObject({ type: 'exposure', experiment: 'hero-offer', variant: shown!.key, visitor: first.visitorId, phase: 1 });
  });

  it('logs a new exposure in a new phase, in the variant the new seed gives', async () => {
    const visitorId = 'visitor-7';
    const first = page({ visitorId, config: [heroOffer()] });
    first.variant('hero-offer');
    reload();
    const nextPhase = heroOffer({ phase: 2, seed: 'seed-1-phase-2' });
    const second = page({ visitorId, config: [nextPhase] });
    expect(second.variant('hero-offer')!.key).toBe(assign(nextPhase, visitorId, {}));
    await settle();
    expect(browser.fetch.sentEvents.map((sent) => [sent['type'], sent['phase']])).toEqual([
      ['exposure', 1],
      ['exposure', 2],
    ]);
  });

  it('keeps an exposed visitor in their variant for the rest of the phase when coverage is lowered', async () => {
    // Find a visitor inside full coverage who falls outside 1% coverage.
    const visitorId = Array.from({ length: 100 }, (_, i) => `visitor-${i}`).find((id) => assign(heroOffer({ coverage: 0.01 }), id, {}) === null)!;
    const first = page({ visitorId, config: [heroOffer()] });
    const shown = first.variant('hero-offer');
    expect(shown).not.toBeNull();
    reload();
    expect(page({ visitorId, config: [heroOffer({ coverage: 0.01 })] }).variant('hero-offer')).toEqual(shown);
  });

  it('answers null, and logs nothing, for a visitor outside the coverage or the targeting', async () => {
    const upshot = page({ config: [heroOffer({ coverage: 0 }), { ...otherTest, targeting: [{ attribute: 'country', operator: 'equals', values: ['FR'] }] }], attributes: { country: 'DE' } });
    expect(upshot.variant('hero-offer')).toBeNull();
    expect(upshot.variant('price-display')).toBeNull();
    expect(upshot.variant('unknown')).toBeNull();
    await settle();
    expect(browser.fetch.sentEvents).toEqual([]);
  });

  it('targets on the URL, device, language, UTM and custom attributes it fills in', () => {
    const rules = (attribute: string, value: string) => ({ ...otherTest, key: `by-${attribute}`, targeting: [{ attribute, operator: 'equals' as const, values: [value] }] });
    const upshot = page({
      config: [rules('device', 'desktop'), rules('language', 'de-DE'), rules('utm_source', 'news'), rules('plan', 'pro'), { ...rules('url', ''), targeting: [{ attribute: 'url', operator: 'contains', values: ['/offer'] }] }],
      attributes: { plan: 'pro' },
    });
    for (const key of ['by-device', 'by-language', 'by-utm_source', 'by-plan', 'by-url']) expect(upshot.variant(key), key).not.toBeNull();
  });

  it('forces ?upshot=experiment:variant for QA and records nothing at all', async () => {
    uninstallFakeBrowser();
    browser = installFakeBrowser({ url: 'https://shop.example/offer?upshot=hero-offer:B', beacon: true });
    browser.fetch.config = { experiments: [heroOffer()] };
    const upshot = page();
    await upshot.ready();
    expect(upshot.variant('hero-offer')).toEqual({ key: 'B', payload: { headline: '10% off your first order' } });
    upshot.convert('purchase', { revenue: 2241, currency: 'EUR' });
    browser.dispatch('pagehide');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(browser.fetch.eventPosts).toHaveLength(0);
    expect(browser.beacons).toHaveLength(0);
    expect(upshot.visitorId).toBeNull();
    expect([...browser.storage.items.keys()]).toEqual([]);
  });

  it('takes a logged-in visitorId and ignores one the API would refuse', () => {
    expect(page({ visitorId: 'user-42' }).visitorId).toBe('user-42');
    reload();
    const upshot = page({ visitorId: 'has spaces', debug: true });
    expect(upshot.visitorId).not.toBe('has spaces');
    expect(upshot.visitorId).toMatch(/^[!-~]{1,128}$/);
  });
});

describe('createUpshot: parity with the server', () => {
  /** Produced by sdk/scripts/make-cases.py, an independent Python implementation of the assignment spec. */
  const cases = (JSON.parse(readFileSync(new URL('./cases.json', import.meta.url), 'utf8')) as { assign: { name: string; config: ExperimentConfig; visitor: string; attributes?: Attributes; expected: string | null }[] }).assign;
  // The attributes the SDK fills in, unset, so each case sees exactly its own.
  const unset = { url: undefined, device: undefined, language: undefined, utm_source: undefined, utm_medium: undefined, utm_campaign: undefined };

  it('answers every cases.json vector with a visitor id the API accepts exactly as the reference does', () => {
    const usable = cases.filter((vector) => /^[!-~]{1,128}$/.test(vector.visitor) && typeof vector.config?.key === 'string');
    expect(usable.length).toBeGreaterThan(40);
    for (const vector of usable) {
      // A new browser for each: stickiness would otherwise keep an earlier vector's answer.
      reload({ storage: new FakeStorage() });
      const upshot = page({ config: [vector.config], visitorId: vector.visitor, attributes: { ...unset, ...vector.attributes } });
      expect(upshot.variant(vector.config.key)?.key ?? null, vector.name).toBe(vector.expected);
    }
  });
});

describe('createUpshot: config', () => {
  it('caches the config and uses it without a request within the TTL, then asks again', async () => {
    await page().ready();
    expect(browser.fetch.configGets).toHaveLength(1);
    expect(browser.fetch.configGets[0]!.url).toBe(`${API}/v1/config?key=${SDK_KEY}`);
    expect(browser.fetch.configGets[0]!.init).toMatchObject({ cache: 'no-cache', credentials: 'omit' });
    reload();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await page().ready()).toBe(true);
    expect(browser.fetch.configGets).toHaveLength(1);
    reload();
    await vi.advanceTimersByTimeAsync(300_000);
    await page().ready();
    expect(browser.fetch.configGets).toHaveLength(2);
  });

  it('resolves ready() with false at the timeout when the API hangs, and the page keeps its default', async () => {
    browser.fetch.hangConfig = true;
    const upshot = page({ timeout: 800 });
    let resolved: boolean | undefined;
    void upshot.ready().then((loaded) => (resolved = loaded));
    await vi.advanceTimersByTimeAsync(799);
    expect(resolved).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(resolved).toBe(false);
    expect(upshot.variant('hero-offer')).toBeNull();
  });

  it('falls back to a stale cached config when the API is down', async () => {
    await page().ready();
    reload();
    await vi.advanceTimersByTimeAsync(3_600_000);
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    const upshot = page();
    expect(await upshot.ready()).toBe(true);
    expect(upshot.variant('hero-offer')).not.toBeNull();
  });

  it('assigns with no network at all from a bootstrap config', () => {
    const upshot = page({ config: { experiments: [heroOffer()] } });
    expect(upshot.variant('hero-offer')).not.toBeNull();
    expect(browser.fetch.configGets).toHaveLength(0);
  });

  it('keeps what a page showed when the config arrives after the timeout', async () => {
    let answer: (value: Response) => void = () => undefined;
    vi.stubGlobal('fetch', (url: string) => (url.includes('/config') ? new Promise<Response>((resolve) => (answer = resolve)) : browser.fetch.fetch(url)));
    const upshot = page();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(upshot.variant('hero-offer')).toBeNull();
    answer({ ok: true, status: 200, json: () => Promise.resolve({ experiments: [heroOffer()] }) } as Response);
    await vi.advanceTimersByTimeAsync(10);
    expect(upshot.variant('hero-offer')).toBeNull();
    // The late config serves the next page.
    reload();
    expect(page().variant('hero-offer')).not.toBeNull();
  });
});

describe('createUpshot: conversions and abandonments', () => {
  it('sends a conversion with revenue to each experiment the visitor is in that has the goal', async () => {
    const upshot = page({ config: [heroOffer(), otherTest] });
    const hero = upshot.variant('hero-offer')!;
    const other = upshot.variant('price-display')!;
    upshot.convert('purchase', { revenue: 2241, currency: 'EUR' });
    upshot.convert('subscribe');
    await settle();
    const conversions = browser.fetch.sentEvents.filter((sent) => sent['type'] === 'conversion');
    expect(conversions).toEqual([
      expect.objectContaining({ experiment: 'hero-offer', variant: hero.key, goal: 'purchase', revenue: 2241, currency: 'EUR', phase: 1, visitor: upshot.visitorId }),
      expect.objectContaining({ experiment: 'price-display', variant: other.key, goal: 'subscribe', phase: 1 }),
    ]);
    expect(new Set(browser.fetch.sentEvents.map((sent) => sent['id'])).size).toBe(browser.fetch.sentEvents.length);
  });

  it('does not let conversion details overwrite the event id, type or visitor', async () => {
    const upshot = page({ config: [heroOffer()] });
    upshot.variant('hero-offer');
    upshot.convert('purchase', { revenue: 100, id: 'forged-id', type: 'exposure', visitor: 'someone-else' } as never);
    await settle();
    expect(browser.fetch.sentEvents[1]).toMatchObject({ type: 'conversion', visitor: upshot.visitorId });
    expect(browser.fetch.sentEvents[1]!['id']).not.toBe('forged-id');
  });

  it('converts in an experiment another open tab assigned, and never forgets that tab\'s assignment', async () => {
    const tabA = page({ config: [heroOffer(), otherTest] });
    const tabB = page({ config: [heroOffer(), otherTest] });
    tabA.variant('hero-offer');
    tabB.variant('price-display');
    tabB.convert('purchase', { revenue: 2490 });
    reload();
    page({ config: [heroOffer(), otherTest] }).convert('purchase', { revenue: 990 });
    await settle();
    expect(browser.fetch.sentEvents.filter((sent) => sent['type'] === 'conversion').map((sent) => [sent['experiment'], sent['revenue']])).toEqual([
      ['hero-offer', 2490],
      ['hero-offer', 990],
    ]);
    expect(browser.fetch.sentEvents.filter((sent) => sent['type'] === 'exposure').map((sent) => sent['experiment'])).toEqual(['hero-offer', 'price-display']);
  });

  it('converts only in experiments the visitor was exposed to in the current phase', async () => {
    const first = page({ config: [heroOffer()] });
    first.variant('hero-offer');
    reload();
    const second = page({ config: [heroOffer({ phase: 2, seed: 'new' })] });
    second.convert('purchase', { revenue: 100 });
    await settle();
    expect(browser.fetch.sentEvents.filter((sent) => sent['type'] === 'conversion')).toEqual([]);
  });

  it('sends an abandonment by beacon when the page is hidden during an open stage, once', async () => {
    const upshot = page({ config: [heroOffer()] });
    const shown = upshot.variant('hero-offer')!;
    await settle();
    upshot.startStage('cart');
    upshot.startStage('checkout');
    browser.document.hidden = true;
    browser.dispatch('visibilitychange');
    browser.dispatch('pagehide');
    expect(browser.beacons).toHaveLength(1);
    expect(browser.beacons[0]!.events).toEqual([
      expect.objectContaining({ type: 'abandonment', experiment: 'hero-offer', variant: shown.key, stage: 'checkout', phase: 1, visitor: upshot.visitorId }),
    ]);
  });

  it('sends no abandonment after a conversion closed the stage', async () => {
    const upshot = page({ config: [heroOffer()] });
    upshot.variant('hero-offer');
    upshot.startStage('checkout');
    upshot.convert('purchase', { revenue: 2490 });
    browser.dispatch('pagehide');
    await settle();
    const sent = [...browser.beacons.flatMap((beacon) => beacon.events), ...browser.fetch.sentEvents];
    expect(sent.filter((event) => event['type'] === 'abandonment')).toEqual([]);
  });

  it('records an explicit abandonment with its reason, only for experiments with that stage', async () => {
    const upshot = page({ config: [heroOffer(), otherTest] });
    upshot.variant('hero-offer');
    upshot.variant('price-display');
    upshot.abandon('checkout', 'shipping too expensive');
    await settle();
    expect(browser.fetch.sentEvents.filter((sent) => sent['type'] === 'abandonment')).toEqual([
      expect.objectContaining({ experiment: 'hero-offer', stage: 'checkout', reason: 'shipping too expensive' }),
    ]);
  });

  it('sends queued events again when the browser comes back online', async () => {
    const upshot = page({ config: [heroOffer()] });
    browser.fetch.replies.push(new TypeError('Failed to fetch'));
    upshot.variant('hero-offer');
    await settle();
    expect(browser.fetch.eventPosts).toHaveLength(1);
    browser.dispatch('online');
    await vi.advanceTimersByTimeAsync(0);
    expect(browser.fetch.eventPosts).toHaveLength(2);
    expect(browser.fetch.eventPosts[1]!.events).toEqual(browser.fetch.eventPosts[0]!.events);
  });
});

describe('createUpshot: privacy', () => {
  it('with consent: false touches no storage and no network until grantConsent()', async () => {
    const upshot = page({ consent: false });
    expect(await upshot.ready()).toBe(false);
    expect(upshot.variant('hero-offer')).toBeNull();
    upshot.convert('purchase');
    browser.dispatch('pagehide');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(browser.storage.writes).toBe(0);
    expect(browser.fetch.requests).toHaveLength(0);
    expect(browser.beacons).toHaveLength(0);
    expect(browser.cookies).toEqual([]);

    upshot.grantConsent();
    expect(upshot.visitorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(browser.storage.json('upshot:v')).toBe(upshot.visitorId);
    await settle();
    expect(browser.fetch.configGets).toHaveLength(1);
    // The next page takes part, with the config fetched after consent.
    reload();
    expect(page().variant('hero-offer')).not.toBeNull();
  });

  it.each([
    ['navigator.webdriver', { webdriver: true }],
    ['Googlebot', { userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' }],
    ['a headless browser', { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36' }],
  ])('never tracks a robot (%s): no storage, no network, the default content', async (_name, robot) => {
    uninstallFakeBrowser();
    browser = installFakeBrowser({ ...robot, beacon: true });
    const upshot = page();
    expect(await upshot.ready()).toBe(false);
    expect(upshot.variant('hero-offer')).toBeNull();
    upshot.grantConsent();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(browser.fetch.requests).toHaveLength(0);
    expect(browser.storage.writes).toBe(0);
  });

  it('tracks a Cubot phone, which is not a bot', async () => {
    uninstallFakeBrowser();
    browser = installFakeBrowser({ userAgent: 'Mozilla/5.0 (Linux; Android 11; CUBOT_X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36' });
    expect(page().visitorId).not.toBeNull();
  });

  it.each([
    ['Global Privacy Control', { globalPrivacyControl: true }],
    ['Do Not Track', { doNotTrack: '1' }],
  ])('respects %s only when asked to', async (_name, signal) => {
    uninstallFakeBrowser();
    browser = installFakeBrowser({ ...signal, beacon: true });
    expect(page().visitorId).not.toBeNull();
    await settle();
    reload(signal);
    const upshot = page({ respectPrivacySignals: true });
    expect(upshot.visitorId).toBeNull();
    expect(await upshot.ready()).toBe(false);
    const writes = browser.storage.writes;
    const requests = browser.fetch.requests.length;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(browser.storage.writes).toBe(writes);
    expect(browser.fetch.requests).toHaveLength(requests);
  });

  it('keeps the visitor id in a first-party cookie when localStorage is blocked', () => {
    uninstallFakeBrowser();
    browser = installFakeBrowser({ blockStorage: true });
    const first = page({ config: [heroOffer()] });
    expect(browser.cookies).toEqual([`upshot=${first.visitorId}`]);
    const cookies = browser.cookies;
    uninstallFakeBrowser();
    browser = installFakeBrowser({ blockStorage: true });
    browser.cookies.push(...cookies);
    expect(page({ config: [heroOffer()] }).visitorId).toBe(first.visitorId);
  });
});

describe('createUpshot: never breaks the page', () => {
  it('returns a working client without a browser, without options, or with nonsense', async () => {
    uninstallFakeBrowser();
    for (const options of [undefined, null, {}, { apiUrl: 42, sdkKey: {} }, { apiUrl: API, sdkKey: SDK_KEY, config: 'nope' }] as unknown as UpshotOptions[]) {
      const upshot = createUpshot(options);
      expect(await upshot.ready()).toBe(false);
      expect(upshot.variant('hero-offer')).toBeNull();
      expect(() => {
        upshot.convert('purchase', { revenue: 1 });
        upshot.startStage('checkout');
        upshot.abandon('checkout');
        upshot.grantConsent();
        upshot.flush();
        upshot.reveal();
      }).not.toThrow();
      await expect(upshot.apply('hero-offer', () => undefined)).resolves.toBeUndefined();
    }
  });

  it('survives throwing storage, a malformed config and a throwing render callback', async () => {
    const storage = new FakeStorage();
    storage.getItem = () => {
      throw new Error('storage exploded');
    };
    reload({ storage });
    const upshot = page({ config: [{ key: 'hero-offer', variants: 'garbage' } as unknown as ExperimentConfig] });
    expect(upshot.variant('hero-offer')).toBeNull();
    await expect(
      upshot.apply('hero-offer', () => {
        throw new Error('render failed');
      }),
    ).resolves.toBeUndefined();
  });

  it('hides the selector until apply has rendered, or until the timeout', async () => {
    const upshot = page({ hide: '#offer', config: [heroOffer()] });
    expect(browser.document.head.children).toEqual([expect.objectContaining({ textContent: '#offer{visibility:hidden!important}' })]);
    await upshot.apply('hero-offer', () => undefined);
    expect(browser.document.head.children).toEqual([]);

    reload();
    browser.fetch.hangConfig = true;
    page({ hide: '.hero', timeout: 500 });
    expect(browser.document.head.children).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(browser.document.head.children).toEqual([]);
  });

  it('warns on the console only with debug: true', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    browser.fetch.replies.push({ status: 200, body: { accepted: 0, duplicates: 0, rejected: [{ index: 0, reason: 'unknown_goal', message: 'No goal.' }] } });
    const quiet = page({ config: [heroOffer()], visitorId: 'not valid' });
    quiet.variant('hero-offer');
    await settle();
    expect(warn).not.toHaveBeenCalled();

    reload();
    browser.fetch.replies.push({ status: 200, body: { accepted: 0, duplicates: 0, rejected: [{ index: 0, reason: 'unknown_goal', message: 'No goal.' }] } });
    const loud = page({ config: [heroOffer()], visitorId: 'not valid', debug: true });
    loud.convert('purchase');
    await settle();
    expect(warn.mock.calls.map((call) => call[0])).toEqual(['[upshot] visitorId', '[upshot] response']);
  });
});

describe('createUpshot: storage layout', () => {
  it('keeps the queue per SDK key, so two sites on one origin do not mix their events', async () => {
    const fetch = new FakeFetch();
    fetch.replies.push(new TypeError('offline'));
    reload({ fetch });
    page({ config: [heroOffer()] }).variant('hero-offer');
    await settle();
    expect(browser.storage.json(`upshot:q${SDK_KEY}`)).toHaveLength(1);
    expect(browser.storage.json('upshot:qother')).toBeNull();
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { deviceOf, isBot, parseOverrides, randomId } from '../src/environment.ts';

/** Real user agents, as browsers and crawlers send them. */
const AGENTS = {
  chromeLinux: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36',
  iphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  androidPhone: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Mobile Safari/537.36',
  androidTablet: 'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36',
  oldIpad: 'Mozilla/5.0 (iPad; CPU OS 12_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1.2 Mobile/15E148 Safari/604.1',
  macSafari: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  bingbot: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  facebook: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  lighthouse: 'Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse',
  headless: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36',
  cubot: 'Mozilla/5.0 (Linux; Android 11; CUBOT_X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36',
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('isBot', () => {
  it('recognizes crawlers, link previews, audits and headless browsers', () => {
    for (const agent of [AGENTS.googlebot, AGENTS.bingbot, AGENTS.facebook, AGENTS.lighthouse, AGENTS.headless]) expect(isBot(agent), agent).toBe(true);
  });

  it('recognizes any automated browser by navigator.webdriver', () => {
    expect(isBot(AGENTS.chromeLinux, true)).toBe(true);
  });

  it('lets people through, Cubot phone owners included', () => {
    for (const agent of [AGENTS.chromeLinux, AGENTS.iphone, AGENTS.androidPhone, AGENTS.macSafari, AGENTS.cubot]) expect(isBot(agent, false), agent).toBe(false);
  });
});

describe('deviceOf', () => {
  it('tells phones, tablets and desktops apart', () => {
    expect(deviceOf(AGENTS.chromeLinux)).toBe('desktop');
    expect(deviceOf(AGENTS.macSafari, 0)).toBe('desktop');
    expect(deviceOf(AGENTS.iphone)).toBe('mobile');
    expect(deviceOf(AGENTS.androidPhone)).toBe('mobile');
    expect(deviceOf(AGENTS.androidTablet)).toBe('tablet');
    expect(deviceOf(AGENTS.oldIpad)).toBe('tablet');
  });

  it('counts an iPad that reports a Mac user agent as a tablet by its touch screen', () => {
    expect(deviceOf(AGENTS.macSafari, 5)).toBe('tablet');
  });
});

describe('parseOverrides', () => {
  it('reads ?upshot=experiment:variant, several separated by commas', () => {
    expect(parseOverrides(new URLSearchParams('?upshot=hero-offer:B'))).toEqual({ 'hero-offer': 'B' });
    expect(parseOverrides(new URLSearchParams('?a=1&upshot=hero-offer:B,price-display:A'))).toEqual({ 'hero-offer': 'B', 'price-display': 'A' });
  });

  it('ignores a missing or malformed override', () => {
    expect(parseOverrides(new URLSearchParams(''))).toEqual({});
    expect(parseOverrides(new URLSearchParams('?upshot=hero-offer'))).toEqual({});
  });
});

describe('randomId', () => {
  const EVENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

  it('is a UUID where crypto.randomUUID exists', () => {
    expect(randomId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('falls back to 128 random bits in an insecure context without crypto.randomUUID', () => {
    const real = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: (array: Uint32Array) => real.getRandomValues(array) });
    const ids = new Set(Array.from({ length: 1000 }, randomId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(EVENT_ID);
  });
});

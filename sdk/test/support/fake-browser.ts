import { vi } from 'vitest';

/**
 * A hand-written stand-in for the few browser globals the SDK touches, for Node unit tests of its
 * logic (queue, retry, dedupe, privacy). It is not a DOM: the real-browser behaviour is tested in
 * headless Chromium (browser.test.ts).
 */

/** `localStorage` backed by a Map that survives "page loads" (new clients) within a test. */
export class FakeStorage {
  readonly items = new Map<string, string>();
  writes = 0;
  /** Set to make every setItem throw, like a full quota or Safari's old private mode. */
  failWrites = false;

  getItem(key: string): string | null {
    return this.items.has(key) ? this.items.get(key)! : null;
  }

  setItem(key: string, value: string): void {
    this.writes++;
    if (this.failWrites) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    this.items.set(key, String(value));
  }

  removeItem(key: string): void {
    this.items.delete(key);
  }

  json(key: string): unknown {
    const value = this.getItem(key);
    return value === null ? null : JSON.parse(value);
  }
}

export interface SentRequest {
  url: string;
  init: RequestInit;
  /** The parsed body of an events POST. */
  events: Record<string, unknown>[];
}

type Reply = { status: number; body?: unknown } | Error;

/**
 * `fetch` that records every request and answers from a script: config GETs with `config`,
 * event POSTs with the next scripted reply, or by default 200 accepting every event.
 */
export class FakeFetch {
  readonly requests: SentRequest[] = [];
  readonly replies: Reply[] = [];
  config: unknown = { experiments: [] };
  /** Config GETs never answer when set (a hanging API). */
  hangConfig = false;

  readonly fetch = (url: string, init: RequestInit = {}): Promise<Response> => {
    const body = typeof init.body === 'string' ? init.body : '';
    this.requests.push({ url, init, events: body ? (JSON.parse(body) as { events: Record<string, unknown>[] }).events : [] });
    if (url.includes('/v1/config')) {
      if (this.hangConfig) return new Promise(() => undefined);
      return Promise.resolve(response(200, this.config));
    }
    const reply = this.replies.shift();
    if (reply instanceof Error) return Promise.reject(reply);
    if (reply) return Promise.resolve(response(reply.status, reply.body ?? {}));
    const count = body ? (JSON.parse(body) as { events: unknown[] }).events.length : 0;
    return Promise.resolve(response(200, { accepted: count, duplicates: 0, rejected: [] }));
  };

  get eventPosts(): SentRequest[] {
    return this.requests.filter((request) => request.url.includes('/v1/events'));
  }

  get configGets(): SentRequest[] {
    return this.requests.filter((request) => request.url.includes('/v1/config'));
  }

  /** Every event sent by fetch, in order. */
  get sentEvents(): Record<string, unknown>[] {
    return this.eventPosts.flatMap((request) => request.events);
  }
}

function response(status: number, body: unknown): Response {
  return { status, ok: status >= 200 && status < 300, json: () => Promise.resolve(body) } as Response;
}

export interface FakeBrowserOptions {
  url?: string;
  userAgent?: string;
  webdriver?: boolean;
  globalPrivacyControl?: boolean;
  doNotTrack?: string | null;
  storage?: FakeStorage;
  fetch?: FakeFetch;
  /** sendBeacon's answer; undefined removes sendBeacon altogether. */
  beacon?: boolean;
  /** localStorage access throws (storage blocked by the browser). */
  blockStorage?: boolean;
}

export interface FakeBrowser {
  storage: FakeStorage;
  fetch: FakeFetch;
  beacons: { url: string; events: Record<string, unknown>[] }[];
  cookies: string[];
  /** Fires the window/document listeners the SDK registered for `type`. */
  dispatch(type: 'pagehide' | 'online' | 'visibilitychange' | 'DOMContentLoaded'): void;
  document: { hidden: boolean; readyState: string; head: { children: unknown[] } };
}

export const DESKTOP_CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';

/** Installs fake `window`, `document`, `navigator`, `location`, `localStorage`, `fetch` globals (undone by vi.unstubAllGlobals). */
export function installFakeBrowser(options: FakeBrowserOptions = {}): FakeBrowser {
  const storage = options.storage ?? new FakeStorage();
  const fakeFetch = options.fetch ?? new FakeFetch();
  const url = new URL(options.url ?? 'https://shop.example/offer?utm_source=news&utm_campaign=spring');
  const listeners = new Map<string, (() => void)[]>();
  const listen = (type: string, listener: () => void) => listeners.set(type, [...(listeners.get(type) ?? []), listener]);
  const beacons: FakeBrowser['beacons'] = [];
  const cookies: string[] = [];
  const head = {
    children: [] as unknown[],
    append(child: { parent?: unknown }) {
      head.children.push(child);
    },
  };
  const document = {
    hidden: false,
    readyState: 'complete',
    referrer: '',
    head,
    get cookie() {
      return cookies.join('; ');
    },
    set cookie(value: string) {
      cookies.push(value.split(';')[0]!);
    },
    createElement: () => {
      const element = {
        textContent: '',
        remove: () => {
          head.children = head.children.filter((child) => child !== element);
        },
      };
      return element;
    },
    addEventListener: listen,
  };
  const navigator: Record<string, unknown> = {
    userAgent: options.userAgent ?? DESKTOP_CHROME,
    language: 'de-DE',
    maxTouchPoints: 0,
    webdriver: options.webdriver ?? false,
    onLine: true,
    doNotTrack: options.doNotTrack ?? null,
    globalPrivacyControl: options.globalPrivacyControl,
  };
  if (options.beacon !== undefined) {
    navigator['sendBeacon'] = (beaconUrl: string, body: string) => {
      if (options.beacon) beacons.push({ url: beaconUrl, events: (JSON.parse(body) as { events: Record<string, unknown>[] }).events });
      return options.beacon;
    };
  }
  const location = { href: url.href, origin: url.origin, pathname: url.pathname, search: url.search };
  vi.stubGlobal('window', globalThis);
  vi.stubGlobal('document', document);
  vi.stubGlobal('navigator', navigator);
  vi.stubGlobal('location', location);
  if (options.blockStorage) {
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get: () => {
        throw new DOMException('Access is denied for this document.', 'SecurityError');
      },
    });
  } else {
    vi.stubGlobal('localStorage', storage);
  }
  vi.stubGlobal('fetch', fakeFetch.fetch);
  vi.stubGlobal('addEventListener', listen);
  return {
    storage,
    fetch: fakeFetch,
    beacons,
    cookies,
    document,
    dispatch(type) {
      for (const listener of listeners.get(type) ?? []) listener();
    },
  };
}

/** Removes a blocked-storage getter installed by installFakeBrowser. */
export function uninstallFakeBrowser(): void {
  vi.unstubAllGlobals();
  if (Object.getOwnPropertyDescriptor(globalThis, 'localStorage')?.get) delete (globalThis as { localStorage?: unknown }).localStorage;
}

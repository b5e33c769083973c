import { assign } from './assign.ts';
import type { Attributes, ExperimentConfig, VariantConfig } from './config.ts';
import { deviceOf, isBot, parseOverrides, randomId } from './environment.ts';
import { createEventQueue } from './event-queue.ts';
import type { ConversionDetails, EventContext, Upshot, UpshotEvent, UpshotOptions, Variant } from './types.ts';

/** localStorage keys: `upshot:v` visitor, `upshot:a` assignments, `upshot:c<sdk key>` config, `upshot:q<sdk key>` queue. */
const PREFIX = 'upshot:';

type Assignment = [phase: number, variant: string];

/** A visitor's sticky assignments, experiment → [phase, variant]. An entry means its exposure is queued or sent. */
interface Assignments {
  v?: string;
  x: Record<string, Assignment>;
}

/** The config as cached in localStorage: when it was fetched (epoch ms) and the experiments. */
interface CachedConfig {
  t: number;
  x: ExperimentConfig[];
}

/**
 * Creates the Upshot client of this page. Never throws, and nothing it returns throws or rejects:
 * whatever goes wrong (no storage, API down, bad arguments, a throwing render callback, no browser
 * at all), the page keeps working and shows its default, the control. With `debug: true` the
 * reason is on the console; otherwise the SDK is silent.
 */
export function createUpshot(options: UpshotOptions): Upshot {
  const o = options || ({} as UpshotOptions);
  const warn = (message: string, detail?: unknown): void => {
    if (o.debug) console.warn('[upshot] ' + message, detail);
  };
  const guard =
    <A extends unknown[], R>(run: (...args: A) => R, fallback?: R) =>
    (...args: A): R => {
      try {
        return run(...args);
      } catch (error) {
        warn('error', error);
        return fallback!;
      }
    };

  const timeout = o.timeout || 1000;
  const consent = o.consent !== false;
  // SDK keys are URL-safe (base64url).
  const api = String(o.apiUrl).replace(/\/$/, '') + '/v1/';
  const query = '?key=' + o.sdkKey;
  const configKey = 'c' + o.sdkKey;

  let storage: Storage | undefined;
  let experiments: ExperimentConfig[] | undefined;
  let settled: boolean | undefined;
  let started: boolean | undefined;
  let openStage: string | undefined;
  let style: HTMLStyleElement | undefined;
  let resolveReady: (loaded: boolean) => void;
  const ready = new Promise<boolean>((resolve) => (resolveReady = resolve));
  let assigned: Assignments = { x: {} };
  let forced: Record<string, string> = {};
  /** A QA preview (`?upshot=experiment:variant`): shows what it asks for and records nothing. */
  let preview: boolean | undefined;
  /** Not tracked at all: a robot, a privacy signal we respect, a QA preview, or not a browser. */
  let untracked: unknown = true;
  let context: EventContext = {};
  let attributes: Attributes = {};

  const load = (name: string) => {
    try {
      return JSON.parse(storage!.getItem(PREFIX + name)!);
    } catch {
      // Nothing stored, no storage, or garbage: as if nothing were stored.
    }
  };
  const save = (name: string, value: unknown): boolean | void => {
    try {
      storage!.setItem(PREFIX + name, JSON.stringify(value));
      return true;
    } catch {
      // No storage (yet), quota or privacy mode.
    }
  };
  const valid = (id: unknown): id is string => typeof id == 'string' && /^[!-~]{1,128}$/.test(id);
  const find = (key: string) => experiments && experiments.find((experiment) => experiment.key == key);
  /** The sticky assignments, read again from storage: another tab may have assigned this visitor since. */
  const assignments = (): Assignments['x'] => {
    const stored: Assignments | undefined = load('a');
    return (assigned = stored && stored.v == assigned.v ? stored : assigned).x;
  };

  const queue = createEventQueue(api + 'events' + query, PREFIX + 'q' + o.sdkKey, warn);

  const client: Upshot = {
    visitorId: null,
    ready: () => ready,
    variant: guard((key: string): Variant | null => {
      const experiment = find(key);
      const visitor = client.visitorId;
      let chosen: VariantConfig | undefined;
      if (experiment) {
        const phase = experiment.phase;
        const named = (variant?: string | null) => experiment.variants.find((candidate) => candidate.key == variant);
        const sticky = assignments()[key];
        chosen = named(forced[key]);
        if (!chosen && visitor) {
          const isSticky = sticky && sticky[0] == phase && named(sticky[1]);
          chosen = isSticky || named(assign(experiment, visitor, attributes));
          if (chosen && !isSticky) {
            track('exposure', key, (assigned.x[key] = [phase, chosen.key]), { context });
            save('a', assigned);
          }
        }
      }
      return chosen ? { key: chosen.key, payload: chosen.payload || {} } : null;
    }, null),
    apply: (key, render) =>
      Promise.all([ready, new Promise((resolve) => (document.readyState == 'loading' ? addEventListener('DOMContentLoaded', resolve) : resolve(0)))])
        .then(() => render(client.variant(key)))
        .then(undefined, (error) => warn('error', error))
        .then(client.reveal),
    reveal: () => style && style.remove(),
    convert: guard((goal: string, details?: ConversionDetails) => {
      openStage = undefined;
      // Revenue is checked by the API: a bad amount comes back as a rejection, with its reason under `debug`.
      record('conversion', { goal, ...details }, (experiment) =>
        experiment.goals.some((candidate) => candidate.key == goal),
      );
    }),
    startStage: (stage) => {
      openStage = stage;
    },
    abandon: guard(abandon),
    grantConsent: guard(() => {
      if (!untracked && !started) {
        start();
        if (!experiments) fetchConfig();
      }
    }),
    flush: () => queue.flush(),
  };

  function track(type: UpshotEvent['type'], experiment: string, [phase, variant]: Assignment, details: Partial<UpshotEvent>): void {
    queue.push({ ...details, id: randomId(), type, experiment, variant, visitor: client.visitorId!, ts: Date.now(), phase });
  }

  /** Tracks an event for each experiment this visitor was exposed to in its current phase and `applies` to (each one while the config is unknown). */
  function record(type: UpshotEvent['type'], details: Partial<UpshotEvent>, applies: (experiment: ExperimentConfig) => boolean): void {
    const all = assignments();
    for (const key in all) {
      const assignment = all[key]!;
      const experiment = find(key);
      if (experiment ? experiment.phase == assignment[0] && applies(experiment) : !experiments) track(type, key, assignment, details);
    }
  }

  function abandon(stage: string, reason?: string): void {
    if (stage == openStage) openStage = undefined;
    record('abandonment', { stage, reason }, (experiment) => experiment.stages.indexOf(stage) >= 0);
  }

  /**
   * Settles the page's config, once: a config that comes later (after the timeout, or after consent)
   * is only cached for the next page, so a page never changes a variant it may have shown.
   */
  function use(config?: ExperimentConfig[]): void {
    if (!settled) resolveReady(!!(experiments = config));
    settled = true;
  }

  function fetchConfig(): void {
    const cached: CachedConfig | undefined = load(configKey);
    const stale = cached && cached.x;
    if (cached && Date.now() - cached.t < (o.configTtl || 300_000)) return use(stale);
    setTimeout(() => use(stale), timeout);
    // `no-cache`: the browser revalidates with the ETag itself (If-None-Match, 304) and spares the
    // CORS preflight that an If-None-Match set from script would cost.
    fetch(api + 'config' + query, { cache: 'no-cache', credentials: 'omit' })
      .then((response) => response.json())
      .then((body: { experiments: ExperimentConfig[] }) => {
        // An error body (bad key, origin not allowed) has no experiments.
        if (!body.experiments) throw body;
        save(configKey, { t: Date.now(), x: body.experiments });
        use(body.experiments);
      })
      .then(undefined, (error) => {
        warn('config', error);
        use(stale);
      });
  }

  /** Consent is given, or was never asked for: storage, the visitor id, delivery and exit tracking. */
  function start(): void {
    started = true;
    try {
      storage = localStorage;
    } catch {
      // Storage blocked: the cookie keeps the visitor, the queue lives in memory.
    }
    let visitor = o.visitorId;
    if (!valid(visitor)) {
      if (visitor) warn('visitorId', visitor);
      visitor = load('v') || (/\bupshot=([^;]+)/.exec(document.cookie) || [])[1];
      if (!valid(visitor)) visitor = randomId();
      if (!save('v', visitor)) document.cookie = 'upshot=' + visitor + ';path=/;max-age=34560000';
    }
    // Stored assignments are read when used (another tab may add some), and kept only for this visitor.
    assigned = { v: visitor, x: {} };
    client.visitorId = visitor;
    queue.start(storage);
    const exit = guard(() => {
      if (openStage) abandon(openStage);
      queue.exit();
    });
    document.addEventListener('visibilitychange', () => (document.hidden ? exit() : client.flush()));
    addEventListener('pagehide', exit);
    addEventListener('online', client.flush);
  }

  try {
    const nav = navigator as Navigator & { globalPrivacyControl?: boolean };
    const device = deviceOf(nav.userAgent, nav.maxTouchPoints);
    const params = new URLSearchParams(location.search);
    // What leaves the page has no query string or fragment: they can hold personal data.
    context = { url: (location.origin + location.pathname).slice(0, 2048), device };
    attributes = { url: location.href, device, language: nav.language };
    for (const name of ['source', 'medium', 'campaign']) {
      const value = params.get('utm_' + name);
      if (value) attributes['utm_' + name] = (context as Record<string, string>)['utm_' + name] = value.slice(0, 200);
    }
    forced = parseOverrides(params);
    preview = !!params.get('upshot');
    untracked = preview || isBot(nav.userAgent, nav.webdriver) || (o.respectPrivacySignals && (nav.globalPrivacyControl || nav.doNotTrack == '1'));
    Object.assign(attributes, o.attributes);
    if (o.hide) {
      style = document.createElement('style');
      style.textContent = o.hide + '{visibility:hidden!important}';
      document.head.append(style);
      setTimeout(client.reveal, timeout);
    }
    if (!untracked && consent) start();
    if (o.config) use((o.config as { experiments: ExperimentConfig[] }).experiments || o.config);
    else if (consent && (started || preview)) fetchConfig();
    else use();
  } catch (error) {
    // Not a browser, or a sandbox refusing cookies: the page shows its default.
    warn('error', error);
    use();
  }
  return client;
}

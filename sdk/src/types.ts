import type { Attributes, ExperimentConfig } from './config.ts';

/** What `createUpshot` takes. Only `apiUrl` and `sdkKey` are required. */
export interface UpshotOptions {
  /** Base URL of the Upshot API: the deployment's `SdkEndpointUrl` (a Lambda function URL), its CloudFront domain, or `http://localhost:8787`. */
  apiUrl: string;
  /** The site's public SDK key; the API checks the page's origin against the key's allow-list. */
  sdkKey: string;
  /** Your own id for a logged-in visitor (1–128 printable ASCII characters); otherwise a random first-party id is kept. */
  visitorId?: string;
  /** Custom targeting attributes (country, plan, …); url, device, language and utm_* are filled in for you. */
  attributes?: Attributes;
  /** Bootstrap config (`GET /v1/config`'s body, or its `experiments`): assignment with no network round trip. */
  config?: { experiments: ExperimentConfig[] } | ExperimentConfig[];
  /** `false`: no storage and no network until `grantConsent()`. Default true. */
  consent?: boolean;
  /** Never track visitors who send Global Privacy Control or Do Not Track. Default false. */
  respectPrivacySignals?: boolean;
  /** CSS selector kept hidden (visibility) until `apply`/`reveal` or the timeout: no flicker, never a blank page. */
  hide?: string;
  /** Milliseconds `ready()` and the `hide` selector wait for the config at most. Default (and for 0) 1000. */
  timeout?: number;
  /** Milliseconds a config cached in localStorage is used without asking the API. Default (and for 0) 300000, 5 minutes. */
  configTtl?: number;
  /** Warnings (rejected events, bad arguments, API errors) on the console. Default false: the SDK is silent. */
  debug?: boolean;
}

/** The variant a visitor sees: its key and the payload the experiment defines for it. */
export interface Variant {
  key: string;
  payload: Record<string, unknown>;
}

export interface ConversionDetails {
  /** Integer amount in minor units (cents): 2241 for €22.41. */
  revenue?: number;
  /** ISO 4217 code; must be the experiment's currency when given. */
  currency?: string;
}

/** The client `createUpshot` returns. No method throws, and no promise rejects. */
export interface Upshot {
  /** The visitor id events carry, or null while the visitor is not tracked (no consent yet, bot, opted out, QA preview). */
  visitorId: string | null;
  /** Resolves once the config is known (true) or the timeout passed or the API failed (false). */
  ready(): Promise<boolean>;
  /**
   * The visitor's variant of `experiment`, or null when they are not in it (or nothing is known yet):
   * show your default, the control, for null. The first call in a phase logs the exposure. Once
   * `ready()` has resolved, the page's config is settled: a later config waits for the next page.
   */
  variant(experiment: string): Variant | null;
  /** Waits for `ready()` and the DOM, calls `render` with `variant(experiment)`, then reveals the `hide` selector. */
  apply(experiment: string, render: (variant: Variant | null) => void): Promise<void>;
  /** Removes the anti-flicker style now. */
  reveal(): void;
  /** Records a conversion of `goal` in every experiment this visitor is in. */
  convert(goal: string, details?: ConversionDetails): void;
  /** Opens a funnel stage; leaving or hiding the page before a conversion records its abandonment. */
  startStage(stage: string): void;
  /** Records an abandonment of `stage` now, with an optional short reason. */
  abandon(stage: string, reason?: string): void;
  /** After `consent: false`: starts storage, the config and event delivery. */
  grantConsent(): void;
  /** Sends queued events now instead of after the batching delay. */
  flush(): void;
}

export interface EventContext {
  url?: string;
  referrer?: string;
  utm_source?: string;
  utm_medium?: string;
  utm_campaign?: string;
  device?: 'desktop' | 'mobile' | 'tablet' | 'other';
}

/** One event as `POST /v1/events` takes it. */
export interface UpshotEvent {
  /** Idempotency key: a retried event is never counted twice. */
  id: string;
  type: 'exposure' | 'conversion' | 'abandonment';
  experiment: string;
  variant: string;
  visitor: string;
  ts: number;
  /** The phase the visitor was assigned in; the API refuses events of an older phase. */
  phase: number;
  goal?: string;
  revenue?: number;
  currency?: string;
  stage?: string;
  reason?: string;
  context?: EventContext;
}

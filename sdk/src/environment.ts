/** Whether a visitor is an obvious robot, never tracked: automation (`navigator.webdriver`) or a crawler, preview or headless user agent. */
export function isBot(userAgent: string, webdriver?: boolean): boolean {
  // `bot` must end a word: Cubot phones are people.
  return !!webdriver || /bot\b|crawl|spider|headless|lighthouse|preview|externalhit/i.test(userAgent);
}

/** The device class events carry and targeting sees. iPadOS says "Macintosh", so a Mac with a touch screen is a tablet. */
export function deviceOf(userAgent: string, touchPoints?: number): 'desktop' | 'mobile' | 'tablet' {
  // Phones (iPhone, Android) say "Mobile"; so do old iPads, hence tablets first.
  return /ipad|tablet|android(?!.*mobi)/i.test(userAgent) || (/macintosh/i.test(userAgent) && touchPoints! > 1)
    ? 'tablet'
    : /mobi/i.test(userAgent)
      ? 'mobile'
      : 'desktop';
}

/** QA overrides in the query: `?upshot=hero-offer:B` (several as `a:B,b:C`) → `{ 'hero-offer': 'B' }`. */
export function parseOverrides(query: URLSearchParams): Record<string, string> {
  const forced: Record<string, string> = {};
  for (const pair of (query.get('upshot') || '').split(',')) {
    const [experiment, variant] = pair.split(':');
    if (variant) forced[experiment!] = variant;
  }
  return forced;
}

/**
 * A random id for visitors and events: a UUID where `crypto.randomUUID` exists (secure contexts),
 * otherwise 128 bits from `crypto.getRandomValues`. Always 8–64 characters of `[0-9a-z-]`, as the
 * API requires of event ids.
 */
export function randomId(): string {
  try {
    return crypto.randomUUID();
  } catch {
    return 'r' + crypto.getRandomValues(new Uint32Array(4)).join('-');
  }
}

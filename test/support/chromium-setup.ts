import { ensureChromium } from './chromium.ts';

/** vitest global setup: one Chromium check (and install, where possible) per test run. */
export default function setup(): void {
  ensureChromium();
}

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Flags that let Debian's Chromium run headless as root on a machine without a network beyond loopback. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/**
 * Makes sure Debian's `chromium` is installed: the browser tests need a real one and Playwright
 * cannot download its own here. Installs it with apt when running as root, otherwise fails with
 * the exact command to run.
 */
export function ensureChromium(log: (line: string) => void = console.log): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const command = 'apt-get update && apt-get install -y --no-install-recommends chromium';
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  if (!isRoot || !hasApt) {
    throw new Error(`The browser tests need Chromium at ${CHROMIUM_PATH}. Install it with: sudo ${command} (or set CHROMIUM_PATH).`);
  }
  log('Installing Debian chromium for the browser tests (once per machine)…');
  execFileSync('bash', ['-c', command], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 15 * 60_000 });
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is missing.`);
  return CHROMIUM_PATH;
}

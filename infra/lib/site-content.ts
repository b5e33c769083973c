import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from './upshot-function.ts';

/** Where each built folder lands on the site, the same URLs the local platform serves (functions/src/local/assets.ts). */
export const SITE_LAYOUT = [
  { source: 'dashboard/public', prefix: '' },
  { source: 'dashboard/dist', prefix: 'app' },
  { source: 'sdk/dist', prefix: 'sdk' },
] as const;

/** Shown at the site root when the dashboard was not built before synth. */
export const PLACEHOLDER_DIR = join(REPOSITORY_ROOT, 'infra/assets/placeholder');

export interface SiteContent {
  /** A folder laid out as the bucket should be. */
  dir: string;
  /** The built folders found. */
  included: string[];
  /** The built folders not found: build them before deploying (docs/deploy.md). */
  missing: string[];
  placeholder: boolean;
}

/**
 * Lays the built dashboard and SDK out in one folder, so one BucketDeployment (with pruning)
 * publishes the whole site: dashboard/public at the root, dashboard/dist under /app/, sdk/dist
 * under /sdk/. Folders not built yet are left out; without dashboard/public the placeholder page
 * stands at the root, so synth works on a clean clone. `dir` is emptied first.
 */
export function stageSiteContent(dir: string, root = REPOSITORY_ROOT): SiteContent {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const included: string[] = [];
  const missing: string[] = [];
  for (const { source, prefix } of SITE_LAYOUT) {
    const from = join(root, source);
    if (!existsSync(from)) {
      missing.push(source);
      continue;
    }
    cpSync(from, join(dir, prefix), { recursive: true });
    included.push(source);
  }
  const placeholder = !included.includes('dashboard/public');
  if (placeholder) cpSync(PLACEHOLDER_DIR, dir, { recursive: true });
  return { dir, included, missing, placeholder };
}

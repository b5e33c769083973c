import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { buildDashboard } from '../../../dashboard/scripts/build.ts';
import type { StaticMount } from './http-server.ts';

/**
 * Builds the browser artefacts the local platform serves, from source, at start (esbuild takes
 * well under a second), and returns where to mount them. Parts not written yet are skipped.
 */
export async function buildAssets(root: string): Promise<StaticMount[]> {
  const mounts: StaticMount[] = [{ prefix: '/', dir: join(root, 'functions/src/local/public') }];

  const sdkEntry = join(root, 'sdk/src/browser.ts');
  if (existsSync(sdkEntry)) {
    const outdir = join(root, 'sdk/dist');
    await Promise.all([
      build({ entryPoints: [sdkEntry], outfile: join(outdir, 'upshot.js'), bundle: true, minify: true, format: 'iife', target: 'es2019', sourcemap: true, logLevel: 'error' }),
      build({ entryPoints: [join(root, 'sdk/src/index.ts')], outfile: join(outdir, 'upshot.mjs'), bundle: true, minify: true, format: 'esm', target: 'es2019', sourcemap: true, logLevel: 'error' }),
    ]);
    mounts.push({ prefix: '/sdk/', dir: outdir });
  }

  const demoDir = join(root, 'sdk/demo');
  if (existsSync(demoDir)) mounts.push({ prefix: '/demo/', dir: demoDir });

  if (existsSync(join(root, 'dashboard/src/main.tsx'))) {
    // The dashboard owns its esbuild options (code splitting, Preact JSX, CSS); the static build uses the same ones.
    const outdir = join(root, 'dashboard/dist');
    await buildDashboard({ outdir });
    mounts[0] = { prefix: '/', dir: join(root, 'dashboard/public'), fallback: 'index.html' };
    mounts.push({ prefix: '/app/', dir: outdir });
  }
  return mounts;
}

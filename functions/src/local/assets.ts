import { join } from 'node:path';
import { buildDashboard } from '../../../dashboard/scripts/build.ts';
import { buildSdk } from '../../../sdk/scripts/bundle.ts';
import type { StaticMount } from './http-server.ts';

/**
 * Builds the browser artefacts the local platform serves, from source, at start (esbuild takes
 * well under a second), and returns where to mount them: the dashboard at / (a single-page app)
 * and /app/, the SDK at /sdk/, the demo offer page at /demo/.
 */
export async function buildAssets(root: string): Promise<StaticMount[]> {
  const sdkDir = join(root, 'sdk/dist');
  const dashboardDir = join(root, 'dashboard/dist');
  await Promise.all([
    buildSdk(sdkDir),
    // The dashboard owns its esbuild options (code splitting, Preact JSX, CSS); the static build uses the same ones.
    buildDashboard({ outdir: dashboardDir }),
  ]);
  return [
    { prefix: '/', dir: join(root, 'dashboard/public'), fallback: 'index.html' },
    { prefix: '/sdk/', dir: sdkDir },
    { prefix: '/demo/', dir: join(root, 'sdk/demo') },
    { prefix: '/app/', dir: dashboardDir },
  ];
}

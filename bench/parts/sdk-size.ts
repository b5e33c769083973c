import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export interface SdkSize {
  /** How the figure was obtained, or why there is none. */
  source: string;
  bundle: string | null;
  minifiedBytes: number | null;
  gzipBytes: number | null;
  /** The shared assignment module alone (assign + hash + targeting), minified and gzipped. */
  assignModule: { minifiedBytes: number; gzipBytes: number };
}

async function minifiedSize(root: string, entry: string, format: 'iife' | 'esm'): Promise<{ minifiedBytes: number; gzipBytes: number }> {
  const result = await build({ entryPoints: [join(root, entry)], bundle: true, minify: true, format, platform: 'browser', target: 'es2019', write: false, legalComments: 'none' });
  const code = result.outputFiles[0]!.contents;
  return { minifiedBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
}

/**
 * The browser SDK's gzip size, from the SDK's own `npm run size` (sdk/scripts/size.ts) when it
 * exists; otherwise sdk/src/browser.ts built with esbuild (IIFE, minified) and gzipped at level 9.
 */
export async function measureSdkSize(root: string): Promise<SdkSize> {
  const assignModule = await minifiedSize(root, 'sdk/src/assign.ts', 'esm');
  const sdkPackage = JSON.parse(readFileSync(join(root, 'sdk/package.json'), 'utf8')) as { scripts?: Record<string, string> };
  if (sdkPackage.scripts?.['size'] && existsSync(join(root, 'sdk/scripts/size.ts'))) {
    // The SDK's own measurement (npm run size): the script-tag bundle, exactly as it is built and served.
    const { measure } = (await import(pathToFileURL(join(root, 'sdk/scripts/size.ts')).href)) as { measure(name: string): Promise<{ raw: number; gzip: number }> };
    const { raw, gzip } = await measure('upshot.js');
    return { source: 'sdk/scripts/size.ts (npm run size): upshot.js, the IIFE script-tag bundle, esbuild minified es2019, gzip -9', bundle: 'upshot.js', minifiedBytes: raw, gzipBytes: gzip, assignModule };
  }
  const browser = ['sdk/src/browser.ts', 'sdk/src/index.ts'].find((candidate) => existsSync(join(root, candidate)));
  if (!browser) {
    return {
      source: `skipped: sdk/src/browser.ts does not exist yet${sdkPackage.scripts?.['size'] ? '' : ' and sdk has no "size" script'}; only the assignment module was measured`,
      bundle: null,
      minifiedBytes: null,
      gzipBytes: null,
      assignModule,
    };
  }
  const size = await minifiedSize(root, browser, 'iife');
  return { source: `esbuild ${browser} (IIFE, minify, es2019) + gzip -9`, bundle: browser, ...size, assignModule };
}

import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { measure } from '../../sdk/scripts/size.ts';

export interface SdkSize {
  /** How the figure was obtained. */
  source: string;
  bundle: string;
  minifiedBytes: number;
  gzipBytes: number;
  /** The shared assignment module alone (assign + hash + targeting), minified and gzipped. */
  assignModule: { minifiedBytes: number; gzipBytes: number };
}

async function minifiedSize(root: string, entry: string, format: 'iife' | 'esm'): Promise<{ minifiedBytes: number; gzipBytes: number }> {
  const result = await build({ entryPoints: [join(root, entry)], bundle: true, minify: true, format, platform: 'browser', target: 'es2019', write: false, legalComments: 'none' });
  const code = result.outputFiles[0]!.contents;
  return { minifiedBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
}

/** The browser SDK's gzip size, from the SDK's own `npm run size` (sdk/scripts/size.ts), plus the assignment module alone. */
export async function measureSdkSize(root: string): Promise<SdkSize> {
  const assignModule = await minifiedSize(root, 'sdk/src/assign.ts', 'esm');
  const { raw, gzip } = await measure('upshot.js');
  return { source: 'sdk/scripts/size.ts (npm run size): upshot.js, the IIFE script-tag bundle, esbuild minified es2019, gzip -9', bundle: 'upshot.js', minifiedBytes: raw, gzipBytes: gzip, assignModule };
}

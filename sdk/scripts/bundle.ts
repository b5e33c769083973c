/**
 * The SDK's two bundles, built with esbuild exactly as the local platform serves them
 * (functions/src/local/assets.ts): `upshot.js`, an IIFE for a script tag that defines
 * `window.Upshot.createUpshot`, and `upshot.mjs`, an ES module; es2019, minified.
 * `npm run build -w sdk` writes them to sdk/dist.
 */
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';

const src = join(import.meta.dirname, '../src');

export const BUNDLES = {
  'upshot.js': { entryPoints: [join(src, 'browser.ts')], format: 'iife' },
  'upshot.mjs': { entryPoints: [join(src, 'index.ts')], format: 'esm' },
} satisfies Record<string, BuildOptions>;

export type BundleName = keyof typeof BUNDLES;

/** Builds one bundle in memory: minified as served, or readable (same code, for debugging and the browser tests). */
export async function bundle(name: BundleName, minify = true): Promise<Uint8Array> {
  const result = await build({ ...BUNDLES[name], bundle: true, minify, target: 'es2019', write: false, logLevel: 'error' });
  return result.outputFiles[0]!.contents;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const outdir = join(import.meta.dirname, '../dist');
  await mkdir(outdir, { recursive: true });
  for (const name of Object.keys(BUNDLES) as BundleName[]) {
    await writeFile(join(outdir, name), await bundle(name));
    console.log(`wrote sdk/dist/${name}`);
  }
}

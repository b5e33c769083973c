/**
 * The SDK's two bundles: `upshot.js`, an IIFE for a script tag that defines
 * `window.Upshot.createUpshot`, and `upshot.mjs`, an ES module; es2019, minified.
 * `npm run build -w sdk` writes them to sdk/dist; the local platform serves `buildSdk`'s
 * (the same, with source maps).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
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

/**
 * Writes both bundles with source maps into `outdir` for the local platform. Several platforms
 * (parallel tests) may build and serve the same folder, so each file is replaced atomically
 * (write aside, rename), and only when it changed.
 */
export async function buildSdk(outdir: string): Promise<void> {
  await mkdir(outdir, { recursive: true });
  await Promise.all(
    (Object.keys(BUNDLES) as BundleName[]).map(async (name) => {
      const result = await build({ ...BUNDLES[name], bundle: true, minify: true, target: 'es2019', sourcemap: true, outfile: join(outdir, name), write: false, logLevel: 'error' });
      for (const file of result.outputFiles) {
        const current = await readFile(file.path).catch(() => null);
        if (current && Buffer.compare(current, file.contents) === 0) continue;
        const aside = `${file.path}.${process.pid}.tmp`;
        await writeFile(aside, file.contents);
        await rename(aside, file.path);
      }
    }),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outdir = join(import.meta.dirname, '../dist');
  await mkdir(outdir, { recursive: true });
  for (const name of Object.keys(BUNDLES) as BundleName[]) {
    await writeFile(join(outdir, name), await bundle(name));
    console.log(`wrote sdk/dist/${name}`);
  }
}

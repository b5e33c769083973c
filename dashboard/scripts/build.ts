/**
 * Builds the dashboard with esbuild: `src/main.tsx` → `dist/` (ESM, minified, code-split:
 * the charts and the sample-size planner are chunks loaded on first use), CSS bundled into
 * `dist/main.css`. The local platform calls `buildDashboard` at start; for static hosting
 * run `npm run build -w dashboard` and serve `public/` at `/` and `dist/` at `/app/`.
 * `--size` prints each file's gzip size.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Metafile } from 'esbuild';

export const DASHBOARD_ROOT = resolve(import.meta.dirname, '..');

export function dashboardBuildOptions(outdir = join(DASHBOARD_ROOT, 'dist')): BuildOptions {
  return {
    entryPoints: [join(DASHBOARD_ROOT, 'src/main.tsx')],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    target: 'es2020',
    sourcemap: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
    legalComments: 'none',
    logLevel: 'error',
  };
}

/**
 * Builds into `outdir` without clearing it: another platform (a parallel test) may be serving
 * it. Each file is replaced atomically (write aside, rename) and only when its content
 * changed, so a browser never loads a half-written bundle.
 */
export async function buildDashboard(options: { outdir?: string; clean?: boolean } = {}): Promise<Metafile> {
  const outdir = options.outdir ?? join(DASHBOARD_ROOT, 'dist');
  if (options.clean) await rm(outdir, { recursive: true, force: true });
  const result = await build({ ...dashboardBuildOptions(outdir), write: false });
  await Promise.all(
    result.outputFiles.map(async (file) => {
      const current = await readFile(file.path).catch(() => null);
      if (current && Buffer.compare(current, file.contents) === 0) return;
      await mkdir(dirname(file.path), { recursive: true });
      const aside = `${file.path}.${process.pid}.tmp`;
      await writeFile(aside, file.contents);
      await rename(aside, file.path);
    }),
  );
  return result.metafile!;
}

export interface FileSize {
  file: string;
  bytes: number;
  gzip: number;
}

/** Minified and gzip sizes of the JS and CSS files a build wrote (source maps left out). */
export function bundleSizes(metafile: Metafile, readBytes: (file: string) => Buffer): FileSize[] {
  return Object.keys(metafile.outputs)
    .filter((file) => /\.(js|css)$/.test(file))
    .map((file) => {
      const bytes = readBytes(file);
      return { file, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    });
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const { readFileSync } = await import('node:fs');
  const metafile = await buildDashboard({ clean: true });
  if (process.argv.includes('--size')) {
    const sizes = bundleSizes(metafile, (file) => readFileSync(file));
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
    for (const size of sizes) console.log(`${relative(DASHBOARD_ROOT, size.file).padEnd(40)} ${kb(size.bytes).padStart(10)} ${kb(size.gzip).padStart(10)} gzip`);
    const total = sizes.reduce((sum, size) => ({ bytes: sum.bytes + size.bytes, gzip: sum.gzip + size.gzip }), { bytes: 0, gzip: 0 });
    console.log(`${'total'.padEnd(40)} ${kb(total.bytes).padStart(10)} ${kb(total.gzip).padStart(10)} gzip`);
  } else console.log(`Built the dashboard into ${relative(process.cwd(), join(DASHBOARD_ROOT, 'dist')) || '.'}.`);
}

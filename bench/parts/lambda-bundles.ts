import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { median } from '../lib/stats.ts';

/** The same options the CDK app gives esbuild (infra/lib/upshot-function.ts), with the target this Node can run. */
const REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";
const IMPORTS_PER_BUNDLE = 5;

export interface BundleFigures {
  handler: string;
  minifiedBytes: number;
  gzipBytes: number;
  /** Median over fresh processes of `await import(bundle)`, module evaluation included. */
  coldImportMs: number;
  /** Median wall time of the whole fresh `node` process that imports the bundle. */
  processMs: number;
}

/**
 * Bundles each functions/src/handlers/*.ts the way the CDK app does (ESM, minified, AWS SDK
 * included) into a temporary folder, then imports each bundle in fresh Node processes.
 */
export async function measureBundles(root: string): Promise<BundleFigures[]> {
  const handlersDir = join(root, 'functions/src/handlers');
  const handlers = (await readdir(handlersDir)).filter((file) => file.endsWith('.ts') && file !== 'index.ts').sort();
  const outdir = await mkdtemp(join(tmpdir(), 'upshot-bundles-'));
  try {
    await build({
      entryPoints: handlers.map((file) => join(handlersDir, file)),
      outdir,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      mainFields: ['module', 'main'],
      banner: { js: REQUIRE_BANNER },
      minify: true,
      outExtension: { '.js': '.mjs' },
      logLevel: 'silent',
    });
    const figures: BundleFigures[] = [];
    for (const file of handlers) {
      const bundle = join(outdir, `${basename(file, '.ts')}.mjs`);
      const bytes = readFileSync(bundle);
      const imports: number[] = [];
      const processes: number[] = [];
      for (let run = 0; run < IMPORTS_PER_BUNDLE; run++) {
        const started = process.hrtime.bigint();
        const output = execFileSync(
          process.execPath,
          ['--input-type=module', '-e', `const t = performance.now(); const m = await import(${JSON.stringify(pathToFileURL(bundle).href)}); if (typeof m.handler !== 'function') throw new Error('no handler'); console.log(performance.now() - t);`],
          { encoding: 'utf8', env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NODE_OPTIONS: '' } },
        );
        processes.push(Number(process.hrtime.bigint() - started) / 1e6);
        imports.push(Number(output.trim()));
      }
      figures.push({
        handler: basename(file, '.ts'),
        minifiedBytes: (await stat(bundle)).size,
        gzipBytes: gzipSync(bytes, { level: 9 }).length,
        coldImportMs: Math.round(median(imports) * 10) / 10,
        processMs: Math.round(median(processes)),
      });
    }
    return figures;
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

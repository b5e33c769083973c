#!/usr/bin/env node
// The `upshot` command (npx upshot …). Runs a pre-bundled ESM build of the TypeScript CLI
// from a git-ignored cache (node_modules/.cache/upshot/cli.mjs), bundling it with esbuild
// first when it is missing or older than any of the files it was built from; falls back to
// registering tsx and importing the sources as is when esbuild or the cache is unavailable.
// The build's inputs are listed in node_modules/.cache/upshot/current; see freshBundle.
// UPSHOT_NO_BUNDLE=1 forces the tsx path.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = join(root, 'functions/src/cli/main.ts');
const cacheDirectory = join(root, 'node_modules/.cache/upshot');
/**
 * Names the current build: its first line the build format, its second the build's
 * directory under the cache (holding cli.mjs and the lazily loaded chunks), then the
 * absolute paths of the files it was built from, one a line.
 */
const currentFile = join(cacheDirectory, 'current');
/** Bump when the build options below change, so older builds are rebuilt. */
const BUILD_VERSION = '2';

/** The current build's cli.mjs, if every input it was built from (and this launcher) is no newer than it. */
function freshBundle() {
  try {
    const [version, directory, ...inputs] = readFileSync(currentFile, 'utf8').split('\n').filter(Boolean);
    if (version !== `version ${BUILD_VERSION}` || directory === undefined || directory.includes('/')) return undefined;
    const bundle = join(cacheDirectory, directory, 'cli.mjs');
    const built = statSync(bundle).mtimeMs;
    if (statSync(fileURLToPath(import.meta.url)).mtimeMs > built) return undefined;
    for (const input of inputs) if (statSync(input).mtimeMs > built) return undefined;
    return bundle;
  } catch {
    return undefined;
  }
}

/** Bundles the CLI into a new directory of the cache and makes it the current build; returns its cli.mjs. */
async function build() {
  const esbuild = await import('esbuild');
  const directory = `build-${Date.now()}-${process.pid}`;
  const outdir = join(cacheDirectory, directory);
  const result = await esbuild.build({
    entryPoints: { cli: entry },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    metafile: true,
    logLevel: 'silent',
    // CommonJS dependencies bundled into ESM may call require() for Node's built-ins.
    banner: { js: "import { createRequire as __upshotCreateRequire } from 'node:module'; const require = __upshotCreateRequire(import.meta.url);" },
  });
  const inputs = Object.keys(result.metafile.inputs).map((input) => resolve(root, input));
  // A new directory per build, and the pointer to it replaced by a rename, so a concurrent
  // run never sees half a build. Builds other than this one and the previous one (which a
  // concurrent run may still be loading chunks from) are removed.
  let previous;
  try {
    previous = readFileSync(currentFile, 'utf8').split('\n')[1];
  } catch {}
  mkdirSync(cacheDirectory, { recursive: true });
  const temporary = `${currentFile}.${process.pid}.tmp`;
  writeFileSync(temporary, [`version ${BUILD_VERSION}`, directory, ...inputs].join('\n') + '\n');
  renameSync(temporary, currentFile);
  for (const name of readdirSync(cacheDirectory)) {
    if (name.startsWith('build-') && name !== directory && name !== previous) rmSync(join(cacheDirectory, name), { recursive: true, force: true });
  }
  return join(outdir, 'cli.mjs');
}

async function loadMain() {
  if (process.env.UPSHOT_NO_BUNDLE !== '1') {
    try {
      const bundle = freshBundle() ?? (await build());
      return (await import(pathToFileURL(bundle).href)).main;
    } catch {
      // esbuild missing or failing, or the cache not writable: run the sources with tsx.
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return (await import('../functions/src/cli/main.ts')).main;
}

const main = await loadMain();
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error;
});
process.exitCode = await main(process.argv.slice(2));

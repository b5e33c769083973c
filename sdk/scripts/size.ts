/**
 * Prints the size of the SDK bundles as the local platform and a CDN serve them: esbuild,
 * minified, es2019; gzip at level 9. `npm run size`; `npm run size -- --readme` also writes the
 * figures into sdk/README.md. The budget is the script-tag (IIFE) bundle with everything in it:
 * at most 3.5 KiB (3,584 bytes) gzip.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundle, type BundleName } from './bundle.ts';

export const SIZE_BUDGET_GZIP = 3_584;

/** Raw and gzip (level 9) sizes of one minified bundle, in bytes. */
export async function measure(name: BundleName): Promise<{ raw: number; gzip: number }> {
  const code = await bundle(name);
  return { raw: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

const README = join(import.meta.dirname, '../README.md');
const START = '<!-- size:start -->';
const END = '<!-- size:end -->';

if (import.meta.url === `file://${process.argv[1]}`) {
  const iife = await measure('upshot.js');
  const esm = await measure('upshot.mjs');
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(2)} KiB`;
  const rows = [
    `| \`upshot.js\` (IIFE, script tag) | ${iife.raw.toLocaleString('en')} B | **${iife.gzip.toLocaleString('en')} B** (${kib(iife.gzip)}) |`,
    `| \`upshot.mjs\` (ES module) | ${esm.raw.toLocaleString('en')} B | ${esm.gzip.toLocaleString('en')} B (${kib(esm.gzip)}) |`,
  ];
  console.log(`upshot.js  (IIFE, script tag) ${String(iife.raw).padStart(6)} B minified  ${String(iife.gzip).padStart(5)} B gzip (${kib(iife.gzip)})`);
  console.log(`upshot.mjs (ES module)        ${String(esm.raw).padStart(6)} B minified  ${String(esm.gzip).padStart(5)} B gzip (${kib(esm.gzip)})`);
  const left = SIZE_BUDGET_GZIP - iife.gzip;
  console.log(left >= 0 ? `Within the ${kib(SIZE_BUDGET_GZIP)} gzip budget, ${left} B to spare.` : `Over the ${kib(SIZE_BUDGET_GZIP)} gzip budget by ${-left} B.`);
  if (left < 0) process.exitCode = 1;
  if (process.argv.includes('--readme')) {
    const readme = await readFile(README, 'utf8');
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    if (start < 0 || end < start) throw new Error(`sdk/README.md needs the markers ${START} and ${END}.`);
    const table = ['| bundle | minified | gzip -9 |', '| --- | ---: | ---: |', ...rows].join('\n');
    await writeFile(README, `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`);
    console.log('Updated sdk/README.md.');
  }
}

import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { localDataDir } from './paths.ts';
import { simulate, SimulationError } from './simulator.ts';

const usage = `Usage: npm run simulate -- --experiment <key> [--visitors 10000] [--lift 0.1] [--baseline 0.05]
         [--concurrency 16] [--duplicates 0.2] [--truth truth.json] [--url http://localhost:8787]
         [--data .upshot | --key <sdk key>] [--seed N]

Sends realistic synthetic traffic (exposures, conversions with revenue, abandonments, some
recovered, duplicate retries) through the real HTTP API and writes the ground truth it sent.`;

function bar(done: number, total: number): string {
  const width = 30;
  const filled = total ? Math.round((done / total) * width) : width;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} requests`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      experiment: { type: 'string' },
      visitors: { type: 'string', default: '10000' },
      lift: { type: 'string', default: '0.1' },
      baseline: { type: 'string', default: '0.05' },
      concurrency: { type: 'string', default: '16' },
      duplicates: { type: 'string', default: '0.2' },
      truth: { type: 'string' },
      url: { type: 'string' },
      data: { type: 'string' },
      key: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return console.log(usage);
  if (!values.experiment) throw new SimulationError(`--experiment is required.\n\n${usage}`);
  const number = (name: string, text: string | undefined, min: number, max: number) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value < min || value > max) throw new SimulationError(`--${name} must be a number from ${min} to ${max}, not "${text}".`);
    return value;
  };
  const url = (values.url ?? `http://localhost:${process.env['PORT'] ?? 8787}`).replace(/\/$/, '');
  const dataDir = localDataDir(values.data);
  const sdkKey = values.key ?? (await readFile(`${dataDir}/sdk-key`, 'utf8').catch(() => '')).trim();
  if (!sdkKey) throw new SimulationError(`No SDK key: pass --key, or --data pointing at a platform's data folder (looked in ${dataDir}/sdk-key).`);

  const interactive = process.stderr.isTTY;
  let lastLine = 0;
  const truth = await simulate({
    url,
    sdkKey,
    experiment: values.experiment,
    visitors: number('visitors', values.visitors, 1, 10_000_000),
    lift: number('lift', values.lift, -1, 10),
    baseline: number('baseline', values.baseline, 0, 1),
    concurrency: number('concurrency', values.concurrency, 1, 1_024),
    duplicates: number('duplicates', values.duplicates, 0, 1),
    seed: values.seed === undefined ? undefined : number('seed', values.seed, 0, 2 ** 32),
    onProgress: (done, total) => {
      if (interactive) process.stderr.write(`\r${bar(done, total)}`);
      else if (done === total || Date.now() - lastLine > 2_000) {
        lastLine = Date.now();
        process.stderr.write(`${bar(done, total)}\n`);
      }
    },
  });
  if (interactive) process.stderr.write('\n');
  const summary = Object.entries(truth.variants).map(([key, counts]) => `${key}: ${counts.visitors} visitors, ${counts.conversions} conversions`).join('; ');
  console.log(`Sent ${truth.sent.events} events in ${truth.sent.requests} requests (${truth.sent.duplicateRequests} duplicate requests, ${truth.sent.retries} retries). ${summary}.`);
  if (values.truth) {
    await writeFile(values.truth, `${JSON.stringify(truth, null, 2)}\n`);
    console.log(`Ground truth written to ${values.truth}.`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof SimulationError ? error.message : error);
  process.exit(1);
});

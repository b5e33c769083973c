/**
 * Benchmark (not a test): how long `upshot analyze` takes for 10,000 experiments, in
 * process (the function the CLI calls, rendering included) and as the real CLI process.
 * Target: under 2 seconds. Run: npx tsx bench/analyze.ts [experiments]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { analyze } from '../functions/src/cli/analyze.ts';
import { seededRandom } from '../functions/src/local/seeded-random.ts';

const EXPERIMENTS = Number(process.argv[2] ?? 10_000);
const TARGET_SECONDS = 2;
const root = fileURLToPath(new URL('..', import.meta.url));

function experiments(count: number): string {
  const next = seededRandom(20240601);
  const between = (low: number, high: number) => low + (high - low) * next();
  const lines: string[] = [];
  for (let index = 0; index < count; index++) {
    const arms = 2 + Math.floor(next() * 3);
    const baseline = between(0.01, 0.2);
    const variants = Array.from({ length: arms }, (_, arm) => {
      const visitors = Math.round(between(500, 200_000));
      const rate = Math.min(0.99, baseline * (1 + between(-0.15, 0.15)));
      const conversions = Math.round(visitors * rate);
      const orderValue = between(20, 120);
      const spread = orderValue * between(0.2, 0.8);
      const abandoners = Math.round(visitors * between(0.05, 0.3));
      return {
        key: `v${arm}`,
        control: arm === 0,
        weight: 1 / arms,
        visitors,
        conversions,
        revenue: conversions * orderValue,
        revenueSquares: conversions * (orderValue * orderValue + spread * spread),
        abandonments: { cart: abandoners },
        recovered: { cart: Math.round(abandoners * between(0, 0.3)) },
        ...(arm > 0 && next() < 0.5 ? { costs: { fixed: 500, perVisitor: 0.01, perConversion: 2, revenueShare: 0.1 } } : {}),
      };
    });
    lines.push(JSON.stringify({ experiment: `exp-${index}`, goal: 'purchase', margin: 0.4, visitorsPerMonth: 100_000, currency: 'EUR', variants }));
  }
  return `${lines.join('\n')}\n`;
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;
const cpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};
/** CPU seconds of waited-for child processes (Linux /proc; null elsewhere): unlike wall time, not inflated by a busy machine. */
const childCpuSeconds = (): number | null => {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return null;
  }
};

const directory = await mkdtemp(join(tmpdir(), 'upshot-bench-'));
try {
  const file = join(directory, 'experiments.jsonl');
  const text = experiments(EXPERIMENTS);
  await writeFile(file, text);
  console.log(`${EXPERIMENTS.toLocaleString('en')} experiments, ${(text.length / 1e6).toFixed(1)} MB of JSON lines`);

  analyze(experiments(200), 'json', () => {});
  let start = process.hrtime.bigint();
  const cpuStart = cpuSeconds();
  let bytes = 0;
  analyze(text, 'json', (chunk) => {
    bytes += chunk.length;
  });
  const inProcess = seconds(start);
  console.log(
    `in process (analyze(), as the CLI calls it, JSON lines): ${inProcess.toFixed(2)} s wall, ` +
      `${(cpuSeconds() - cpuStart).toFixed(2)} s CPU, ${(bytes / 1e6).toFixed(1)} MB out`,
  );

  const childCpuStart = childCpuSeconds();
  start = process.hrtime.bigint();
  const output = await open(join(directory, 'summaries.jsonl'), 'w');
  const child = spawn(process.execPath, [join(root, 'bin/upshot.mjs'), 'analyze', file], { cwd: root, stdio: ['ignore', output.fd, 'inherit'] });
  const [status] = (await once(child, 'exit')) as [number | null];
  const cli = seconds(start);
  await output.close();
  if (status !== 0) throw new Error(`upshot analyze exited with ${status}`);
  const lines = (await readFile(join(directory, 'summaries.jsonl'), 'utf8')).split('\n').length - 1;
  const childCpuEnd = childCpuSeconds();
  const cpu = childCpuStart === null || childCpuEnd === null ? '' : `, ${(childCpuEnd - childCpuStart).toFixed(2)} s CPU`;
  console.log(`CLI process (node bin/upshot.mjs analyze, start-up included): ${cli.toFixed(2)} s wall${cpu}, ${lines} lines written to a file`);
  console.log(`target < ${TARGET_SECONDS} s: ${Math.max(inProcess, cli) < TARGET_SECONDS ? 'met' : 'MISSED'}`);
} finally {
  await rm(directory, { recursive: true, force: true });
}

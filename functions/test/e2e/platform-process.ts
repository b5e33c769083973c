import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { GroundTruth } from '../../src/local/simulator.ts';
import type { VariantCounts } from '../../src/use-cases/read-results.ts';

export const ROOT = join(import.meta.dirname, '../../..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface PlatformProcess {
  child: ChildProcess;
  url: string;
  /** The SDK endpoint's local function URL (on a free port). */
  sdkEndpointUrl: string;
  output: () => string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

/** Starts `functions/src/local/main.ts` exactly as `npm start` does, as its own process, so it can be killed. */
export async function startPlatformProcess(dataDir: string, port: number, extraArgs: string[] = []): Promise<PlatformProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'functions/src/local/main.ts', '--data', dataDir, '--port', String(port), '--sdk-port', '0', ...extraArgs], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://localhost:${port}`;
  const deadline = Date.now() + 90_000;
  while (!output.includes('Press Ctrl+C to stop.')) {
    if (child.exitCode !== null) throw new Error(`The platform exited early (code ${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The platform did not start within 90 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const sdkEndpointUrl = /SDK endpoint[^\n]*?(http:\/\/\S+)/.exec(output)?.[1];
  if (!sdkEndpointUrl) throw new Error(`The platform did not name its SDK endpoint:\n${output}`);
  return { child, url, sdkEndpointUrl, output: () => output, exited };
}

export async function stopPlatformProcess(platform: PlatformProcess | undefined): Promise<void> {
  if (!platform || platform.child.exitCode !== null || platform.child.signalCode !== null) return;
  platform.child.kill('SIGTERM');
  await platform.exited;
}

export const readKey = async (dataDir: string, name: 'admin-key' | 'sdk-key') => (await readFile(join(dataDir, name), 'utf8')).trim();

/** The counts of a results row that a ground truth can be compared with. */
export type CountsRow = Pick<VariantCounts, 'key' | 'visitors' | 'conversions' | 'revenue' | 'abandonments' | 'recovered'>;

/** The ground truth in the shape of the results API's variant rows. */
export function expectedRows(truth: GroundTruth): CountsRow[] {
  return Object.entries(truth.variants)
    .map(([key, counts]) => ({ key, ...counts }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

/**
 * Polls the results API until the counters equal the ground truth (the aggregator runs behind the
 * writes) or the time is up, and returns the last rows seen either way, for the test to compare.
 */
export async function settledRows(url: string, adminKey: string, experiment: string, truth: GroundTruth, timeoutMs = 60_000): Promise<CountsRow[]> {
  const expected = JSON.stringify(expectedRows(truth));
  const deadline = Date.now() + timeoutMs;
  let rows: CountsRow[] = [];
  for (;;) {
    const response = await fetch(`${url}/v1/experiments/${experiment}/results`, { headers: { authorization: `Bearer ${adminKey}` } });
    if (response.ok) {
      const body = (await response.json()) as { variants: CountsRow[] };
      rows = body.variants
        .map(({ key, visitors, conversions, revenue, abandonments, recovered }) => ({ key, visitors, conversions, revenue, abandonments, recovered }))
        .sort((a, b) => a.key.localeCompare(b.key));
      if (JSON.stringify(rows) === expected) return rows;
    }
    if (Date.now() > deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

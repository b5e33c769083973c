import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { simulate } from '../../src/local/simulator.ts';
import { expectedRows, freePort, readKey, settledRows, startPlatformProcess, stopPlatformProcess, type PlatformProcess } from './platform-process.ts';

let platform: PlatformProcess | undefined;
const folders: string[] = [];

async function dataFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'upshot-e2e-'));
  folders.push(folder);
  return folder;
}

afterEach(async () => {
  await stopPlatformProcess(platform);
  platform = undefined;
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

describe('the local platform (npm start)', () => {
  it('starts, answers health, prints both keys and writes them with mode 0600', { timeout: 120_000 }, async () => {
    const data = await dataFolder();
    platform = await startPlatformProcess(data, await freePort());
    const health = await fetch(`${platform.url}/v1/health`);
    expect(health.status).toBe(200);
    const adminKey = await readKey(data, 'admin-key');
    const sdkKey = await readKey(data, 'sdk-key');
    expect(platform.output()).toContain(`Admin key: ${adminKey}`);
    expect(platform.output()).toContain(`SDK key: ${sdkKey}`);
    expect((await stat(join(data, 'admin-key'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(data, 'sdk-key'))).mode & 0o777).toBe(0o600);
    const config = (await (await fetch(`${platform.url}/v1/config?key=${sdkKey}`)).json()) as { experiments: { key: string }[] };
    expect(config.experiments.map((experiment) => experiment.key)).toEqual(['hero-offer']);
  });

  it('counts exactly the ground truth when every request is sent twice by 16 concurrent senders', { timeout: 300_000 }, async () => {
    const data = await dataFolder();
    platform = await startPlatformProcess(data, await freePort());
    const truth = await simulate({
      url: platform.url,
      sdkKey: await readKey(data, 'sdk-key'),
      experiment: 'hero-offer',
      visitors: 2_000,
      lift: 0.2,
      baseline: 0.1,
      concurrency: 16,
      duplicates: 1,
      seed: 7,
    });
    expect(truth.sent.duplicateRequests).toBe(truth.sent.requests / 2);
    const rows = await settledRows(platform.url, await readKey(data, 'admin-key'), 'hero-offer', truth);
    expect(rows).toEqual(expectedRows(truth));
    expect(rows.reduce((sum, row) => sum + row.conversions, 0)).toBeGreaterThan(100);
  });

  it('loses and doubles nothing when the platform is killed with SIGKILL mid-run and restarted', { timeout: 300_000 }, async () => {
    const data = await dataFolder();
    const port = await freePort();
    platform = await startPlatformProcess(data, port);
    const sdkKey = await readKey(data, 'sdk-key');
    let killedAt = 0;
    let restarted: Promise<PlatformProcess> | undefined;
    const run = simulate({
      url: platform.url,
      sdkKey,
      experiment: 'hero-offer',
      visitors: 3_000,
      lift: 0.1,
      baseline: 0.1,
      concurrency: 16,
      duplicates: 0.3,
      seed: 11,
      retryForMs: 180_000,
      onProgress: (done, total) => {
        if (killedAt === 0 && done >= total / 3) {
          killedAt = done;
          platform!.child.kill('SIGKILL');
          restarted = platform!.exited.then(() => startPlatformProcess(data, port));
        }
      },
    });
    const truth = await run;
    expect(killedAt).toBeGreaterThan(0);
    platform = await restarted!;
    expect(truth.sent.retries).toBeGreaterThan(0);
    const rows = await settledRows(platform.url, await readKey(data, 'admin-key'), 'hero-offer', truth);
    expect(rows).toEqual(expectedRows(truth));
  });
});

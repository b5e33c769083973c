import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError } from '../domain/index.ts';
import type { Deps } from '../use-cases/deps.ts';
import { changeLifecycle, createExperiment } from '../use-cases/manage-experiments.ts';
import { createApiKey, createSdkKey } from '../use-cases/manage-keys.ts';
import { demoExperiment } from './demo-experiment.ts';

export interface LocalKeys {
  adminKey: string;
  sdkKey: string;
  created: boolean;
}

const readKey = (file: string) => readFile(file, 'utf8').then((text) => text.trim(), () => null);

/**
 * First start: an admin key and a demo SDK key for http://localhost:*, written to DIR/admin-key and
 * DIR/sdk-key (mode 0600) because only their hashes are stored. Later starts read them back.
 */
export async function ensureLocalKeys(deps: Deps, dataDir: string): Promise<LocalKeys> {
  const adminFile = join(dataDir, 'admin-key');
  const sdkFile = join(dataDir, 'sdk-key');
  const [adminKey, sdkKey] = await Promise.all([readKey(adminFile), readKey(sdkFile)]);
  if (adminKey && sdkKey) return { adminKey, sdkKey, created: false };
  await mkdir(dataDir, { recursive: true });
  const admin = adminKey ?? (await createApiKey(deps, { label: 'Local admin', role: 'admin' })).key;
  const sdk = sdkKey ?? (await createSdkKey(deps, { label: 'Local demo site', origins: ['http://localhost:*', 'http://127.0.0.1:*'] })).key;
  await writeFile(adminFile, `${admin}\n`, { mode: 0o600 });
  await writeFile(sdkFile, `${sdk}\n`, { mode: 0o600 });
  return { adminKey: admin, sdkKey: sdk, created: true };
}

/** Seeds and launches the demo offer experiment unless it exists (in any state). */
export async function ensureDemoExperiment(deps: Deps): Promise<boolean> {
  try {
    await createExperiment(deps, demoExperiment);
  } catch (error) {
    if (error instanceof ConflictError) return false;
    throw error;
  }
  await changeLifecycle(deps, demoExperiment.key, 'launch');
  return true;
}

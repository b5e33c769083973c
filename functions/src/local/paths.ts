import { resolve } from 'node:path';

export const REPOSITORY_ROOT = resolve(import.meta.dirname, '../../..');

/** The local platform's data folder: `--data`, else UPSHOT_DATA, else `.upshot` in the repository. */
export function localDataDir(flag: string | undefined): string {
  return resolve(REPOSITORY_ROOT, flag ?? process.env['UPSHOT_DATA'] ?? '.upshot');
}

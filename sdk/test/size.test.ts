import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SIZE_BUDGET_GZIP, measure } from '../scripts/size.ts';

describe('the SDK bundle size', () => {
  it('keeps the script-tag bundle, with everything in it, within 3.5 KiB gzip', async () => {
    const { gzip } = await measure('upshot.js');
    expect(gzip).toBeLessThanOrEqual(SIZE_BUDGET_GZIP);
  });

  it('states the current gzip size in sdk/README.md (npm run size -- --readme)', async () => {
    const { gzip } = await measure('upshot.js');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`**${gzip.toLocaleString('en')} B**`);
  });
});

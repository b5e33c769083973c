import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultsDocument } from '../../functions/src/use-cases/summarize-results.ts';
import { simulate, type GroundTruth } from '../../functions/src/local/simulator.ts';
import { expectedRows, freePort, readKey, ROOT, settledRows, startPlatformProcess, stopPlatformProcess, type PlatformProcess } from '../../functions/test/e2e/platform-process.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../test/support/chromium.ts';

/**
 * The dashboard in a real headless Chromium against the local platform started as `npm start`
 * does: the minified bundle the platform builds, the real API, traffic from the simulator.
 * Screenshots go to test-results/; with UPSHOT_DOCS_SCREENSHOTS=1 also to docs/.
 */
const ARTEFACTS = join(ROOT, 'test-results');
const EXPERIMENT = 'price-display';
const DAY_MS = 86_400_000;
/** The screenshots the README shows, refreshed under docs/ with UPSHOT_DOCS_SCREENSHOTS=1. */
const DOCS_SCREENSHOTS = ['dashboard-list', 'dashboard-results'];
/** Days of traffic: the platform's clock starts this many days minus one in the past and moves a day per round. */
const DAYS = 5;

let platform: PlatformProcess;
let data: string;
let adminKey: string;
let sdkKey: string;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function api<T>(path: string, init: { method?: string; body?: unknown; key?: string } = {}): Promise<T> {
  const response = await fetch(`${platform.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${init.key ?? adminKey}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

async function screenshot(target: Page, name: string, fullPage = true): Promise<void> {
  await mkdir(ARTEFACTS, { recursive: true });
  const file = join(ARTEFACTS, `${name}.png`);
  await target.screenshot({ path: file, fullPage });
  if (process.env['UPSHOT_DOCS_SCREENSHOTS'] === '1' && DOCS_SCREENSHOTS.includes(name)) await copyFile(file, join(ROOT, 'docs', `${name}.png`));
}

async function newPage(locale = 'en-US'): Promise<{ context: BrowserContext; page: Page }> {
  const created = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale, acceptDownloads: true });
  const opened = await created.newPage();
  opened.on('pageerror', (error) => pageErrors.push(error.message));
  return { context: created, page: opened };
}

async function signIn(target: Page, key: string): Promise<void> {
  await target.goto(`${platform.url}/`);
  await target.getByLabel('API key').fill(key);
  await target.getByRole('button', { name: 'Sign in' }).click();
  await target.getByRole('heading', { name: 'Experiments', level: 1 }).waitFor();
}

/** Two more experiments, so the list shows more than one state. */
async function seedOtherExperiments(): Promise<void> {
  const base = {
    variants: [
      { key: 'A', weight: 0.5, payload: { cta: 'Buy now' } },
      { key: 'B', weight: 0.5, payload: { cta: 'Get mine today' } },
    ],
    goals: [{ key: 'purchase', revenue: true }],
  };
  await api('/v1/experiments', { method: 'POST', body: { ...base, key: 'cta-wording', name: 'Call to action wording', hypothesis: 'A personal call to action gets more clicks.' } });
  await api('/v1/experiments', { method: 'POST', body: { ...base, key: 'free-shipping', name: 'Free shipping banner above the fold' } });
  await api('/v1/experiments/free-shipping/launch', { method: 'POST' });
  await api('/v1/experiments/free-shipping/pause', { method: 'POST' });
}

/** Runs `action` with this process's Date moved by `ms`, as the simulator's visitors would see it on another day. */
async function withClockShiftedBy<T>(ms: number, action: () => Promise<T>): Promise<T> {
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + ms);
      else super(...(args as [number]));
    }

    static override now(): number {
      return RealDate.now() + ms;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
  try {
    return await action();
  } finally {
    globalThis.Date = RealDate;
  }
}

/** The ground truth of several simulation rounds added up, in the shape settledRows compares. */
function addTruths(truths: GroundTruth[]): GroundTruth {
  const total: GroundTruth = { ...truths[0]!, variants: {} };
  for (const truth of truths) {
    for (const [key, counts] of Object.entries(truth.variants)) {
      const sum = (total.variants[key] ??= { visitors: 0, conversions: 0, revenue: 0, abandonments: {}, recovered: {} });
      sum.visitors += counts.visitors;
      sum.conversions += counts.conversions;
      sum.revenue += counts.revenue;
      for (const [stage, value] of Object.entries(counts.abandonments)) sum.abandonments[stage] = (sum.abandonments[stage] ?? 0) + value;
      for (const [stage, value] of Object.entries(counts.recovered)) sum.recovered[stage] = (sum.recovered[stage] ?? 0) + value;
    }
  }
  return total;
}

beforeAll(async () => {
  data = await mkdtemp(join(tmpdir(), 'upshot-dashboard-'));
  // The platform runs DAYS − 1 days in the past, so the experiment gets several exposure-day cohorts (one per round).
  const saved = { options: process.env['NODE_OPTIONS'], offset: process.env['UPSHOT_TEST_CLOCK_OFFSET_DAYS'] };
  process.env['NODE_OPTIONS'] = `${saved.options ?? ''} --import=${pathToFileURL(join(import.meta.dirname, 'support/shifted-clock.mjs')).href}`.trim();
  process.env['UPSHOT_TEST_CLOCK_OFFSET_DAYS'] = String(1 - DAYS);
  try {
    platform = await startPlatformProcess(data, await freePort());
  } finally {
    for (const [name, value] of [['NODE_OPTIONS', saved.options], ['UPSHOT_TEST_CLOCK_OFFSET_DAYS', saved.offset]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  adminKey = await readKey(data, 'admin-key');
  sdkKey = await readKey(data, 'sdk-key');
  await seedOtherExperiments();
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  ({ page } = await newPage());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stopPlatformProcess(platform);
  if (data) await rm(data, { recursive: true, force: true });
});

describe('the dashboard', () => {
  it('refuses an unknown key and signs in with an admin key', async () => {
    await page.goto(`${platform.url}/`);
    await page.getByLabel('API key').fill('upk_not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('unknown or revoked');

    await signIn(page, adminKey);
    await expect.poll(() => page.getByTestId('role').textContent()).toBe('Admin');
    await page.locator('tr[data-experiment="hero-offer"]').waitFor();
    expect(await page.locator('tr[data-experiment="cta-wording"] [data-status]').getAttribute('data-status')).toBe('draft');
    expect(await page.evaluate(() => sessionStorage.getItem('upshot.session'))).toContain('"role":"admin"');
  });

  it('creates a draft with two variants and costs, showing the API validation messages next to their fields', async () => {
    await page.getByTestId('new-experiment').click();
    await page.locator('#f-name').fill('Price display');
    expect(await page.locator('#f-key').inputValue()).toBe('price-display');
    await page.locator('#f-hypothesis').fill('A per-day price sells more subscriptions than a monthly one.');

    await page.locator('#f-variants-0-name').fill('Monthly price');
    await page.locator('#f-variants-0-payload-headline').fill('Coffee subscription');
    await page.locator('#f-variants-0-payload-priceText').fill('€29 / month');
    await page.locator('#f-variants-0-payload-cta').fill('Subscribe');
    await page.locator('#f-variants-1-key').fill('B B');
    await page.locator('#f-variants-1-name').fill('Price per day');
    await page.locator('#f-variants-1-weight').fill('60');
    await page.locator('#f-variants-1-payload-headline').fill('Coffee subscription');
    await page.locator('#f-variants-1-payload-priceText').fill('less than €1 a day');
    await page.locator('#f-variants-1-payload-badge').fill('Best value');
    await page.locator('#f-variants-1-payload-cta').fill('Start my subscription');
    expect(await page.locator('[data-testid="preview"][data-variant="B B"] .offer-badge').textContent()).toBe('Best value');

    await page.getByTestId('save-experiment').click();
    await page.getByTestId('error-summary').waitFor();
    expect(await page.locator('[data-path="variants.1.key"]').textContent()).toMatch(/letters, digits/);
    expect(await page.locator('#f-variants-1-key').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('[data-path="variants"]').textContent()).toMatch(/add up to 1/);

    await page.locator('#f-variants-1-key').fill('B');
    await page.getByRole('button', { name: 'Split evenly' }).click();
    await page.locator('#f-stages').fill('plan, payment');
    await page.locator('#f-costs-B-fixed').fill('100');
    await page.locator('#f-costs-B-perConversion').fill('1.5');
    await page.locator('#f-margin').fill('60');
    await page.getByTestId('save-experiment').click();
    await page.waitForURL(`**/experiments/${EXPERIMENT}/setup`);

    const saved = await api<{ status: string; variants: { key: string; weight: number; payload: Record<string, unknown> }[]; costs: Record<string, unknown>; margin: number; stages: string[] }>(`/v1/experiments/${EXPERIMENT}`);
    expect(saved.status).toBe('draft');
    expect(saved.variants.map((variant) => [variant.key, variant.weight])).toEqual([
      ['A', 0.5],
      ['B', 0.5],
    ]);
    expect(saved.variants[1]!.payload).toEqual({ headline: 'Coffee subscription', priceText: 'less than €1 a day', badge: 'Best value', cta: 'Start my subscription' });
    expect(saved.costs).toEqual({ B: { fixed: 100, perVisitor: 0, perConversion: 1.5, revenueShare: 0 } });
    expect(saved.margin).toBe(0.6);
    expect(saved.stages).toEqual(['plan', 'payment']);
    expect(await page.getByTestId('install-snippet').textContent()).toContain(`upshot.variant('${EXPERIMENT}')`);
    // Pages are pointed at the SDK endpoint the platform publishes in /deployment.json, not at the dashboard's origin.
    await page.getByTestId('install-endpoint').waitFor();
    expect(await page.getByTestId('install-snippet').textContent()).toContain(`apiUrl: '${platform.sdkEndpointUrl}'`);
  });

  it('launches the draft after a confirmation', async () => {
    await page.locator('[data-action="launch"]').click();
    await page.getByRole('dialog').waitFor();
    await page.getByTestId('dialog-confirm').click();
    await page.locator('.meta-line [data-status="running"]').waitFor();
    expect((await api<{ status: string }>(`/v1/experiments/${EXPERIMENT}`)).status).toBe('running');
  });

  it('shows the decision, a table equal to the API results and rendered charts once traffic arrives', { timeout: 180_000 }, async () => {
    const rounds: GroundTruth[] = [];
    for (let day = 0; day < DAYS; day++) {
      const offset = (day + 1 - DAYS) * DAY_MS;
      rounds.push(
        await withClockShiftedBy(offset, () =>
          simulate({ url: platform.url, sdkKey, experiment: EXPERIMENT, visitors: 450, lift: 0.5, baseline: 0.12, concurrency: 16, visitorsPerRequest: 15, duplicates: 0.1, seed: 11 + day }),
        ),
      );
      if (day < DAYS - 1) {
        platform.child.kill('SIGUSR2');
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
    const truth = addTruths(rounds);
    expect(await settledRows(platform.url, adminKey, EXPERIMENT, truth)).toEqual(expectedRows(truth));
    const results = await api<ResultsDocument>(`/v1/experiments/${EXPERIMENT}/results`);

    await page.goto(`${platform.url}/experiments/${EXPERIMENT}`);
    const banner = page.getByTestId('decision');
    await banner.waitFor();
    expect(await banner.getAttribute('data-status')).toBe(results.decision.status);
    expect(await banner.getAttribute('data-variant')).toBe(results.decision.variant ?? '');
    expect((await banner.locator('h2').textContent())!.length).toBeGreaterThan(5);

    const percent = (value: number, digits: number) => new Intl.NumberFormat('en', { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
    const euro = (value: number) => new Intl.NumberFormat('en', { style: 'currency', currency: 'EUR' }).format(value);
    for (const variant of results.variants) {
      const row = page.locator(`[data-testid="results-table"] tr[data-variant="${variant.key}"]`);
      const cell = (field: string) => row.locator(`td[data-field="${field}"]`);
      expect(await cell('visitors').getAttribute('data-value')).toBe(String(variant.visitors));
      expect(await cell('visitors').textContent()).toBe(variant.visitors.toLocaleString('en'));
      expect(await cell('conversions').getAttribute('data-value')).toBe(String(variant.conversions));
      expect(await cell('conversionRate').getAttribute('data-value')).toBe(String(variant.conversionRate));
      expect(await cell('conversionRate').locator('.value').textContent()).toBe(percent(variant.conversionRate!, 2));
      expect(await row.locator('[data-field="conversionRateCI"]').getAttribute('data-value')).toBe(variant.conversionRateCI!.join(','));
      expect(await cell('revenuePerVisitor').textContent()).toBe(euro(variant.revenuePerVisitor!));
      if (variant.vsControl) {
        expect(await cell('relativeLift').getAttribute('data-value')).toBe(String(variant.vsControl.relativeLift));
        expect(await cell('relativeLift').locator('.value').textContent()).toContain(percent(Math.abs(variant.vsControl.relativeLift!), 1));
        expect(await cell('chanceToBeatControl').getAttribute('data-value')).toBe(String(variant.vsControl.chanceToBeatControl));
        expect(await cell('sequentialPValue').getAttribute('data-value')).toBe(String(variant.vsControl.sequentialPValue));
        expect(await cell('romi').getAttribute('data-value')).toBe(String(variant.romi.romi));
      }
    }
    expect(await page.locator('[data-field="investment"][data-variant="B"]').getAttribute('data-value')).toBe(String(results.variants.find((variant) => variant.key === 'B')!.romi.investment));

    for (const chart of ['forest-plot', 'cumulative-chart', 'abandonment-chart']) {
      const drawn = await page.getByTestId(chart).evaluate((element) => {
        const canvas = element.querySelector('canvas');
        if (!canvas) return 0;
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let coloured = 0;
        for (let index = 0; index < pixels.length; index += 4) {
          const [red, green, blue, alpha] = [pixels[index]!, pixels[index + 1]!, pixels[index + 2]!, pixels[index + 3]!];
          if (alpha > 0 && Math.max(red, green, blue) - Math.min(red, green, blue) > 60) coloured++;
        }
        return coloured;
      });
      expect(drawn, `${chart} draws coloured data marks`).toBeGreaterThan(50);
    }
    expect(Number(await page.getByTestId('cumulative-chart').getAttribute('data-points'))).toBe(new Set(results.cumulative.map((point) => point.day)).size);
    expect(new Set(results.cumulative.map((point) => point.day)).size).toBeGreaterThanOrEqual(DAYS);

    const download = page.waitForEvent('download');
    await page.getByTestId('export-csv').click();
    expect((await download).suggestedFilename()).toBe(`${EXPERIMENT}-phase1-purchase.csv`);
    await page.mouse.move(0, 0);

    await screenshot(page, 'dashboard-results');
    await page.goto(`${platform.url}/`);
    await page.locator(`tr[data-experiment="${EXPERIMENT}"] .leader`).waitFor();
    await page.locator('tr[data-experiment="hero-offer"] [data-health]').waitFor();
    await screenshot(page, 'dashboard-list');
  });

  it('switches to German, formats numbers and money the German way and remembers the choice', async () => {
    const results = await api<ResultsDocument>(`/v1/experiments/${EXPERIMENT}/results`);
    await page.goto(`${platform.url}/experiments/${EXPERIMENT}`);
    await page.getByTestId('results-table').waitFor();
    await page.getByTestId('language').selectOption('de');
    await page.getByRole('link', { name: 'Ergebnisse' }).waitFor();
    expect(await page.locator('[data-testid="results-table"] thead').textContent()).toContain('Besucher');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');

    const variant = results.variants.find((candidate) => candidate.key === 'B')!;
    const row = page.locator(`[data-testid="results-table"] tr[data-variant="B"]`);
    expect(await row.locator('td[data-field="visitors"]').textContent()).toBe(new Intl.NumberFormat('de').format(variant.visitors));
    expect(await row.locator('td[data-field="revenuePerVisitor"]').textContent()).toBe(new Intl.NumberFormat('de', { style: 'currency', currency: 'EUR' }).format(variant.revenuePerVisitor!));
    expect(await row.locator('td[data-field="conversionRate"] .value').textContent()).toBe(
      new Intl.NumberFormat('de', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(variant.conversionRate!),
    );
    expect(await row.locator('td[data-field="revenuePerVisitor"]').textContent()).toMatch(/^\d+,\d{2}\s€$/);

    await page.reload();
    await page.getByRole('link', { name: 'Ergebnisse' }).waitFor();
    expect(await page.getByTestId('decision').locator('.decision-kicker').textContent()).toBe('Empfehlung');
    await page.getByTestId('language').selectOption('en');
  });

  it('edits a draft through the API and leaves the fields it did not touch alone', async () => {
    await page.goto(`${platform.url}/experiments/cta-wording/setup`);
    await page.getByTestId('edit-experiment').click();
    await page.locator('#f-name').waitFor();
    expect(await page.locator('#f-key').isDisabled()).toBe(true);
    await page.locator('#f-name').fill('Call to action: personal wording');
    await page.locator('#f-coverage').fill('50');
    await page.getByTestId('save-experiment').click();
    await page.waitForURL('**/experiments/cta-wording/setup');
    const saved = await api<{ name: string; coverage: number; variants: { payload: Record<string, unknown> }[] }>('/v1/experiments/cta-wording');
    expect(saved.name).toBe('Call to action: personal wording');
    expect(saved.coverage).toBe(0.5);
    expect(saved.variants.map((variant) => variant.payload)).toEqual([{ cta: 'Buy now' }, { cta: 'Get mine today' }]);
  });

  it('starts a new phase with the weights entered in its confirmation', async () => {
    await page.goto(`${platform.url}/experiments/${EXPERIMENT}`);
    await page.locator('[data-action="phase"]').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Weight of A').fill('30');
    await dialog.getByLabel('Weight of B').fill('70');
    await screenshot(page, 'dashboard-new-phase', false);
    await page.getByTestId('dialog-confirm').click();
    await page.locator('.meta-line', { hasText: 'Phase 2 since' }).waitFor();
    const experiment = await api<{ phase: number; variants: { key: string; weight: number }[] }>(`/v1/experiments/${EXPERIMENT}`);
    expect(experiment.phase).toBe(2);
    expect(experiment.variants.map((variant) => variant.weight)).toEqual([0.3, 0.7]);
    expect(await page.getByTestId('phase-select').locator('option').count()).toBe(2);
    await page.getByTestId('phase-select').selectOption('1');
    await page.locator('[data-warning="old-phase"]').waitFor();
    expect(await page.locator('[data-testid="results-table"] tr[data-variant="B"] td[data-field="visitors"]').getAttribute('data-value')).not.toBe('0');
  });

  it('shows an analyst no edit controls, and the API 403 when a write is forced', async () => {
    const { key: analystKey } = await api<{ key: string }>('/v1/api-keys', { method: 'POST', body: { label: 'Analyst Anna', role: 'analyst' } });
    const analyst = await newPage();
    try {
      await signIn(analyst.page, analystKey);
      expect(await analyst.page.getByTestId('role').textContent()).toBe('Analyst · read only');
      expect(await analyst.page.getByTestId('new-experiment').count()).toBe(0);
      await analyst.page.goto(`${platform.url}/experiments/${EXPERIMENT}`);
      await analyst.page.getByTestId('results-table').waitFor();
      expect(await analyst.page.getByTestId('lifecycle-actions').count()).toBe(0);
      await analyst.page.goto(`${platform.url}/experiments/cta-wording/setup`);
      await analyst.page.getByTestId('install-snippet').waitFor();
      expect(await analyst.page.getByTestId('edit-experiment').count()).toBe(0);

      // The dashboard trusts the API, not itself: pretend to be an admin and the API still refuses.
      await analyst.page.evaluate((key) => sessionStorage.setItem('upshot.session', JSON.stringify({ key, role: 'admin' })), analystKey);
      await analyst.page.goto(`${platform.url}/experiments/${EXPERIMENT}`);
      await analyst.page.locator('[data-action="pause"]').click();
      await analyst.page.getByTestId('dialog-confirm').click();
      const alert = analyst.page.locator('[data-testid="error-alert"][data-status="403"]');
      await alert.waitFor();
      expect(await alert.textContent()).toContain('needs an admin key');
      expect((await api<{ status: string }>(`/v1/experiments/${EXPERIMENT}`)).status).toBe('running');
    } finally {
      await analyst.context.close();
    }
    expect(pageErrors).toEqual([]);
  });
});

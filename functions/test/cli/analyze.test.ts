import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, runCli } from './run-cli.ts';

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'upshot-cli-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

describe('upshot analyze', () => {
  it('summarizes one experiment from a JSON file as one JSON line', async () => {
    const run = await runCli(['analyze', 'examples/hero-offer.json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toHaveLength(1);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ experiment: 'hero-offer', goal: 'purchase', decision: { status: 'winner', variant: 'B' } });
    const [a, b] = summary.variants;
    expect(a.conversionRate).toBe(0.045);
    // statsmodels proportion_confint(540, 12000, 0.05, method="wilson")
    expect(a.conversionRateCI[0]).toBeCloseTo(0.041434271513464765, 12);
    expect(a.conversionRateCI[1]).toBeCloseTo(0.048856945888799644, 12);
    // statsmodels proportions_ztest([660, 540], [12000, 12000])
    expect(b.vsControl.pValue).toBeCloseTo(0.0003792846815829447, 12);
    // scipy ttest_ind_from_stats on the revenue moments, equal_var=False
    expect(b.vsControl.revenuePerVisitorDiff).toBeCloseTo(0.4, 12);
    expect(b.vsControl.revenuePValue).toBeCloseTo(0.033285426088453286, 10);
  });

  it('summarizes every experiment of a JSON lines file, in order', async () => {
    const run = await runCli(['analyze', 'examples/experiments.jsonl']);
    expect(run.code).toBe(0);
    const summaries = lines(run.stdout).map((line) => JSON.parse(line));
    expect(summaries.map((summary) => summary.experiment)).toEqual(['hero-offer', 'free-shipping-banner', 'urgency-timer']);
    const [, countdown, badge] = summaries[2].variants;
    // statsmodels proportions_ztest and multipletests(method="holm")
    expect(countdown.vsControl.pValue).toBeCloseTo(0.001682739111030926, 12);
    expect(countdown.vsControl.adjustedPValue).toBeCloseTo(0.003365478222061852, 12);
    expect(badge.vsControl.adjustedPValue).toBeCloseTo(0.7553375726943152, 12);
  });

  it('reads standard input when the file is -', async () => {
    const input = await readFile(join(root, 'examples/experiments.jsonl'), 'utf8');
    const fromStdin = await runCli(['analyze', '-'], { input });
    const fromFile = await runCli(['analyze', 'examples/experiments.jsonl']);
    expect(fromStdin.code).toBe(0);
    expect(lines(fromStdin.stdout)).toHaveLength(3);
    expect(fromStdin.stdout).toBe(fromFile.stdout);
  });

  it('prints a Markdown report per experiment with --format md', async () => {
    const run = await runCli(['analyze', 'examples/experiments.jsonl', '--format', 'md']);
    expect(run.code).toBe(0);
    const titles = run.stdout.split('\n').filter((line) => line.startsWith('# '));
    expect(titles).toEqual(['# hero-offer: purchase', '# free-shipping-banner: purchase', '# urgency-timer: signup']);
    expect(run.stdout).toContain('**Decision: winner.** Variant "B" converts 22% better than the control');
    expect(run.stdout).toContain('| A (control) | 12,000 | 540 | 4.50% (4.14% to 4.89%) |');
  });

  it('prints one CSV table for all experiments with --format csv', async () => {
    const run = await runCli(['analyze', 'examples/experiments.jsonl', '--format', 'csv']);
    expect(run.code).toBe(0);
    const records = run.stdout.split('\r\n');
    expect(records.at(-1)).toBe('');
    expect(records).toHaveLength(1 + 7 + 1);
    expect(records[0]).toMatch(/^experiment,phase,goal,variant,control,visitors,conversions,conversionRate,conversionRateLower,/);
    expect(records.slice(1, -1).map((record) => record.split(',').slice(0, 4).join(','))).toEqual([
      'hero-offer,,purchase,A',
      'hero-offer,,purchase,B',
      'free-shipping-banner,,purchase,control',
      'free-shipping-banner,,purchase,banner',
      'urgency-timer,,signup,none',
      'urgency-timer,,signup,countdown',
      'urgency-timer,,signup,badge',
    ]);
  });

  it('names the line and field of bad JSON lines input, prints nothing and exits with 2', async () => {
    const file = join(directory, 'bad.jsonl');
    const good = lines(await readFile(join(root, 'examples/experiments.jsonl'), 'utf8'))[0];
    const bad = { experiment: 'x', goal: 'g', variants: [{ key: 'A', weight: 1, visitors: 100, conversions: 120, revenue: 0, revenueSquares: 0 }] };
    await writeFile(file, `${good}\n${JSON.stringify(bad)}\n\n{"experiment": oops}\n`);
    const run = await runCli(['analyze', file]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('line 2, variants[0].conversions: 120 conversions exceed 100 visitors');
    expect(run.stderr).toContain('line 4: is not valid JSON');
    expect(run.stderr).not.toContain('line 1');
  });

  it('names a missing field and the line it belongs to in a pretty-printed document', async () => {
    const file = join(directory, 'missing.json');
    const document = JSON.parse(await readFile(join(root, 'examples/hero-offer.json'), 'utf8'));
    delete document.variants[1].visitors;
    const text = JSON.stringify(document, null, 2);
    await writeFile(file, text);
    const run = await runCli(['analyze', file]);
    expect(run.code).toBe(2);
    const variantLine = text.split('\n').findIndex((line) => line.includes('"key": "B"')) + 1;
    expect(run.stderr).toContain(`line ${variantLine - 1}, variants[1].visitors: is missing (expected number)`);
  });

  it('refuses a missing file, an unknown option and an unknown format with exit code 2', async () => {
    const missing = await runCli(['analyze', 'no-such-file.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Cannot read no-such-file.json: no such file.');
    const option = await runCli(['analyze', 'examples/hero-offer.json', '--pretty']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("Unknown option '--pretty'");
    const format = await runCli(['analyze', 'examples/hero-offer.json', '--format', 'xml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format must be one of json, md, csv; got "xml".');
  });
});

import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

describe('upshot plan', () => {
  it('gives 31,234 visitors per variant for 5% → 5.5% at 80% power (R power.prop.test: n = 31233.44)', async () => {
    const run = await runCli(['plan', '--baseline', '0.05', '--mde', '0.1', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ visitorsPerVariant: 31234 });
  });

  it('adds the days at the given traffic: ⌈31,234 × 2 / 2,000⌉ = 32', async () => {
    const run = await runCli(['plan', '--baseline', '0.05', '--mde', '0.1', '--visitors-per-day', '2000', '--format', 'json']);
    expect(JSON.parse(run.stdout)).toEqual({ visitorsPerVariant: 31234, days: 32 });
  });

  it('counts every variant in the days: ⌈31,234 × 3 / 1,000⌉ = 94', async () => {
    const run = await runCli(['plan', '--baseline', '0.05', '--mde', '0.1', '--visitors-per-day', '1000', '--variants', '3', '--format', 'json']);
    expect(JSON.parse(run.stdout)).toEqual({ visitorsPerVariant: 31234, days: 94 });
  });

  it('takes alpha and power (R power.prop.test(p1 = .5, p2 = .75, power = .9): n = 76.71; sig.level = .01 at 5% → 5.5%, power .9: 59210.05)', async () => {
    const documented = await runCli(['plan', '--baseline', '0.5', '--mde', '0.5', '--power', '0.9', '--format', 'json']);
    expect(JSON.parse(documented.stdout)).toEqual({ visitorsPerVariant: 77 });
    const strict = await runCli(['plan', '--baseline', '0.05', '--mde', '0.1', '--alpha', '0.01', '--power', '0.9', '--format', 'json']);
    expect(JSON.parse(strict.stdout)).toEqual({ visitorsPerVariant: 59211 });
  });

  it('says it in a sentence by default, followed by the numbers', async () => {
    const run = await runCli(['plan', '--baseline', '0.05', '--mde', '0.1', '--visitors-per-day', '2000']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('you need 31,234 visitors per variant, 62,468 in all.');
    expect(run.stdout).toContain('At 2,000 visitors per day that takes 32 days.');
    expect(run.stdout.trimEnd().split('\n').slice(-2)).toEqual(['visitorsPerVariant: 31234', 'days: 32']);
  });

  it('refuses missing or impossible rates with exit code 2', async () => {
    const missing = await runCli(['plan', '--baseline', '0.05']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('plan needs --baseline and --mde.');
    const rate = await runCli(['plan', '--baseline', '1.5', '--mde', '0.1']);
    expect(rate.code).toBe(2);
    expect(rate.stderr).toContain('--baseline must be a conversion rate between 0 and 1');
    const text = await runCli(['plan', '--baseline', 'five', '--mde', '0.1']);
    expect(text.code).toBe(2);
    const beyond = await runCli(['plan', '--baseline', '0.6', '--mde', '1']);
    expect(beyond.code).toBe(2);
    expect(beyond.stderr).toContain('must stay below 1');
  });
});

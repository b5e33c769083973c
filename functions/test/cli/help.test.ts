import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

describe('upshot --help', () => {
  it('prints the usage of every command and exits with 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('upshot analyze <file|-> [--format json|md|csv]');
    expect(run.stdout).toContain('upshot results <experiment> --url <api> --key <key>');
    expect(run.stdout).toContain('upshot plan --baseline <rate> --mde <relative>');
  });

  it('prints a command’s own help with <command> --help and with help <command>', async () => {
    const analyze = await runCli(['analyze', '--help']);
    expect(analyze.code).toBe(0);
    expect(analyze.stdout).toContain('Usage: upshot analyze <file|->');
    expect(analyze.stdout).toContain('"revenueSquares"');
    const plan = await runCli(['help', 'plan']);
    expect(plan.stdout).toContain('Usage: upshot plan --baseline <rate> --mde <relative>');
    const results = await runCli(['results', '-h']);
    expect(results.stdout).toContain('UPSHOT_API_KEY');
  });

  it('shows the usage on stderr and exits with 2 without a command or with an unknown one', async () => {
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('Usage:');
    const unknown = await runCli(['analyse']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "analyse"');
  });
});

import { execFile } from 'node:child_process';
import { join } from 'node:path';

export interface AnalyzeFigures {
  source: string;
  experiments: number;
  inProcessSeconds: number | null;
  cliSeconds: number | null;
  experimentsPerSecondInProcess: number | null;
  experimentsPerSecondCli: number | null;
  output: string;
}

/**
 * `upshot analyze` throughput: runs bench/analyze.ts (owned by the CLI's author) in its own
 * process and reads the two timings it prints (in process, and the real CLI process).
 */
export async function measureAnalyze(root: string, experiments: number): Promise<AnalyzeFigures> {
  const script = join(root, 'bench/analyze.ts');
  const output = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', script, String(experiments)], { cwd: root, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`bench/analyze.ts failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
  const seconds = (pattern: RegExp) => {
    const match = pattern.exec(output);
    return match ? Number(match[1]) : null;
  };
  const inProcessSeconds = seconds(/in process[^\n]*?([\d.]+) s wall/);
  const cliSeconds = seconds(/CLI process[^\n]*?([\d.]+) s wall/);
  const perSecond = (value: number | null) => (value ? Math.round(experiments / value) : null);
  return {
    source: 'bench/analyze.ts',
    experiments,
    inProcessSeconds,
    cliSeconds,
    experimentsPerSecondInProcess: perSecond(inProcessSeconds),
    experimentsPerSecondCli: perSecond(cliSeconds),
    output: output.trim(),
  };
}

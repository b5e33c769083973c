import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { analyze, describeProblem, InputError } from './analyze.ts';
import { UsageError } from './cli-error.ts';
import type { Io } from './io.ts';
import { formatOption } from './options.ts';
import { analyzeUsage } from './usage.ts';

const MAX_PROBLEMS_SHOWN = 20;

async function readInput(path: string, io: Io): Promise<string> {
  if (path === '-') return io.readStdin();
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String(code);
    throw new UsageError(`Cannot read ${path}: ${reason}.`);
  }
}

/** `upshot analyze <file|->`: validate, summarize, print. */
export async function analyzeCommand(args: string[], io: Io): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { format: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.stdout.write(analyzeUsage);
    return;
  }
  const [path, ...extra] = positionals;
  if (path === undefined) throw new UsageError('analyze needs a file, or - for standard input.', analyzeUsage);
  if (extra.length > 0) throw new UsageError(`analyze takes one file; got also "${extra[0]}".`);
  const format = formatOption(values.format, ['json', 'md', 'csv'] as const, 'json');
  const source = path === '-' ? 'stdin' : path;
  const text = await readInput(path, io);
  try {
    analyze(text, format, (chunk) => io.stdout.write(chunk));
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const shown = error.problems.slice(0, MAX_PROBLEMS_SHOWN).map(
      (problem) => `${source} ${describeProblem(problem)}`,
    );
    const more = error.problems.length - shown.length;
    throw new UsageError(
      `Invalid input:\n  ${shown.join('\n  ')}${more > 0 ? `\n  … and ${more} more` : ''}`,
      'Run "upshot analyze --help" for the input format.',
    );
  }
}

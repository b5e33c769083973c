import { analyzeCommand } from './analyze-command.ts';
import { reportCliError } from './cli-error.ts';
import { processIo, type Io } from './io.ts';
import { planCommand } from './plan-command.ts';
import { resultsCommand } from './results-command.ts';
import { mainUsage } from './usage.ts';

const commands: Record<string, (args: string[], io: Io) => Promise<void>> = {
  analyze: analyzeCommand,
  results: resultsCommand,
  plan: planCommand,
};

/** node:util parseArgs's own errors (unknown option, missing value) are usage errors. */
/**
 * The `upshot` command line: dispatches to a command and turns its errors into a
 * message and an exit status (0 done, 2 usage or input, 1 anything else). Launched by
 * bin/upshot.mjs; it only parses and prints — the computing is in stats/ and report/.
 */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.stderr.write(mainUsage);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = args[0] === undefined ? undefined : commands[args[0]];
    if (topic !== undefined) return main([args[0]!, '--help'], io);
    io.stdout.write(mainUsage);
    return 0;
  }
  // keys reports its own errors and exit status. Loaded on demand: it brings in the AWS SDK,
  // which the other commands do not need to parse at start-up.
  if (name === 'keys') return (await import('./keys.ts')).keysCommand(args, io);
  const command = commands[name];
  if (command === undefined) {
    io.stderr.write(`upshot: unknown command "${name}". Commands: ${[...Object.keys(commands), 'keys'].join(', ')}; see upshot --help.\n`);
    return 2;
  }
  try {
    await command(args, io);
    return 0;
  } catch (error) {
    return reportCliError(name, error, io);
  }
}

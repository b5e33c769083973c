import type { Io } from './io.ts';

/** A problem the person at the terminal can fix (usage, input, a refused request): exit status 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure outside the caller's input (network, server): exit status 1, no stack trace. */
export class FailureError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FailureError';
  }
}

function isParseArgsError(error: unknown): error is Error {
  return typeof (error as { code?: unknown }).code === 'string' && (error as { code: string }).code.startsWith('ERR_PARSE_ARGS_');
}

/**
 * Writes what went wrong in `upshot <command>` and returns the exit status: 2 for usage (with its
 * hint, or a pointer to --help), 1 for a failure, 1 with the stack for anything unexpected.
 */
export function reportCliError(command: string, error: unknown, io: Io): number {
  if (error instanceof UsageError || isParseArgsError(error)) {
    const hint = error instanceof UsageError ? error.hint : `Run "upshot ${command} --help" for the options.`;
    io.stderr.write(`upshot ${command}: ${error.message}\n${hint ? `${hint.endsWith('\n') ? hint : `${hint}\n`}` : ''}`);
    return 2;
  }
  if (error instanceof FailureError) {
    io.stderr.write(`upshot ${command}: ${error.message}\n`);
    return 1;
  }
  io.stderr.write(`upshot ${command}: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
  return 1;
}

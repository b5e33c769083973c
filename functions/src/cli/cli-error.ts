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

/**
 * Domain errors. They know nothing of HTTP: one mapper in the http glue turns each
 * `code` into a status and the `{ error, message, details? }` body.
 */
export type ErrorCode =
  | 'validation_failed'
  | 'not_found'
  | 'conflict'
  | 'illegal_transition'
  | 'unauthorized'
  | 'forbidden'
  | 'origin_not_allowed';

export class UpshotError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ValidationError extends UpshotError {
  constructor(message: string, details?: unknown) {
    super('validation_failed', message, details);
  }
}

/** A zod failure as a ValidationError: the first problem in the message, every one in `details.issues`. */
export function validationError(where: string, zodIssues: readonly { path: readonly PropertyKey[]; message: string }[]): ValidationError {
  const issues = zodIssues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  const first = issues[0];
  return new ValidationError(`Invalid ${where}${first ? `: ${first.path ? `${first.path}: ` : ''}${first.message}` : ''}`, { issues });
}

export class NotFoundError extends UpshotError {
  constructor(message: string) {
    super('not_found', message);
  }
}

export class ConflictError extends UpshotError {
  constructor(message: string, details?: unknown) {
    super('conflict', message, details);
  }
}

export class IllegalTransitionError extends UpshotError {
  constructor(message: string, details?: unknown) {
    super('illegal_transition', message, details);
  }
}

export class UnauthorizedError extends UpshotError {
  constructor(message = 'A valid API key is required: send "Authorization: Bearer <key>".') {
    super('unauthorized', message);
  }
}

export class ForbiddenError extends UpshotError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

export class OriginNotAllowedError extends UpshotError {
  constructor(origin: string) {
    super('origin_not_allowed', `Origin ${origin} is not on this SDK key's allow-list.`);
  }
}

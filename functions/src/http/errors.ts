import { UpshotError, type ErrorCode } from '../domain/index.ts';

/** Envelope errors found by the http glue before any use case runs (size, media type, syntax). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const statusByCode: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  origin_not_allowed: 403,
  not_found: 404,
  conflict: 409,
  illegal_transition: 409,
};

export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

/** The one mapping from errors to HTTP: 4xx tell the client what to fix; 5xx never reveal internals. */
export function errorResponse(error: unknown): { statusCode: number; headers: Record<string, string>; body: string } {
  let status = 500;
  let body: ErrorBody = { error: 'internal_error', message: 'Something went wrong on our side. Retry shortly; nothing you sent was counted twice.' };
  if (error instanceof HttpError) {
    status = error.status;
    body = { error: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) };
  } else if (error instanceof UpshotError) {
    status = statusByCode[error.code];
    body = { error: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) };
  }
  return { statusCode: status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

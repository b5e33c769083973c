import type { ErrorBody, ValidationIssue } from './api-types.ts';

/** An API answer other than 2xx, with the body's code, message and validation issues. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ValidationIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface Api {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
  /** A non-JSON answer (CSV, Markdown exports) as text. */
  text(path: string): Promise<string>;
}

/**
 * The one door to the HTTP API on the same origin. Every call carries the bearer key; a 401
 * means the key is no longer good, and `onUnauthorized` sends the user back to sign-in.
 */
export function createApi(key: string, onUnauthorized: () => void = () => undefined, base = ''): Api {
  async function request(method: string, path: string, body?: unknown): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(base + path, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError(0, 'network_error', (error as Error).message);
    }
    if (response.ok) return response;
    const error = await toApiError(response);
    if (response.status === 401) onUnauthorized();
    throw error;
  }
  const json = async <T>(response: Response): Promise<T> => (response.status === 204 ? (undefined as T) : ((await response.json()) as T));
  return {
    get: async (path) => json(await request('GET', path)),
    post: async (path, body) => json(await request('POST', path, body)),
    patch: async (path, body) => json(await request('PATCH', path, body)),
    text: async (path) => (await request('GET', path)).text(),
  };
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: Partial<ErrorBody> = {};
  try {
    body = (await response.json()) as ErrorBody;
  } catch {
    // not JSON: keep the status line
  }
  const details = body.details as { issues?: ValidationIssue[] } | undefined;
  const issues = Array.isArray(details?.issues) ? details.issues.filter((issue) => typeof issue?.message === 'string') : [];
  return new ApiError(response.status, body.error ?? `http_${response.status}`, body.message ?? response.statusText, issues);
}

/** Learns the key's role without a dedicated route: listing API keys is admin-only (403 for analysts, 401 for a bad key). */
export async function detectRole(key: string, base = ''): Promise<'admin' | 'analyst'> {
  try {
    await createApi(key, undefined, base).get('/v1/api-keys');
    return 'admin';
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return 'analyst';
    throw error;
  }
}

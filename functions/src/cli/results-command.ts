import { parseArgs } from 'node:util';
import { keySchema } from '../domain/experiment.ts';
import { FailureError, UsageError } from './cli-error.ts';
import type { Io } from './io.ts';
import { formatOption, numberOption } from './options.ts';
import { resultsUsage } from './usage.ts';

const TIMEOUT_MS = 30_000;

function serverMessage(text: string): string | null {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    return typeof body.message === 'string' ? body.message : null;
  } catch {
    return null;
  }
}

function networkFailure(error: unknown, url: string): Error {
  const cause = (error as { cause?: { code?: string } }).cause;
  const code = cause?.code ?? (error as { name?: string }).name;
  if (code === 'ECONNREFUSED') {
    return new FailureError(`Could not connect to ${url}: connection refused. Is the Upshot API running there? (npm start serves http://localhost:8787)`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new FailureError(`Could not find the host of ${url}; check --url.`);
  if (code === 'TimeoutError') return new FailureError(`${url} did not answer within ${TIMEOUT_MS / 1000} seconds.`);
  const reason = (cause as { message?: string } | undefined)?.message ?? (error as Error).message;
  return new FailureError(`Could not reach ${url}: ${reason}.`, { cause: error });
}

/** `upshot results`: GET /v1/experiments/<key>/results, printed as the API renders it. */
export async function resultsCommand(args: string[], io: Io): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      key: { type: 'string' },
      goal: { type: 'string' },
      phase: { type: 'string' },
      alpha: { type: 'string' },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(resultsUsage);
    return;
  }
  const [experiment, ...extra] = positionals;
  if (experiment === undefined) throw new UsageError('results needs the experiment key.', resultsUsage);
  if (extra.length > 0) throw new UsageError(`results takes one experiment; got also "${extra[0]}".`);
  if (!keySchema.safeParse(experiment).success) throw new UsageError(`"${experiment}" is not an experiment key (letters, digits, "-" or "_").`);
  const base = values.url ?? (io.env['UPSHOT_URL'] || undefined);
  const key = values.key ?? (io.env['UPSHOT_API_KEY'] || undefined);
  if (base === undefined) throw new UsageError('results needs --url (or UPSHOT_URL), e.g. --url http://localhost:8787.');
  if (!/^https?:\/\/[^/]/i.test(base) || !URL.canParse(base)) throw new UsageError(`--url must be an http(s) URL; got "${base}".`);
  if (key === undefined || key === '') throw new UsageError('results needs an API key: --key <key> or UPSHOT_API_KEY.');
  const format = formatOption(values.format, ['json', 'md', 'csv'] as const, 'json');
  const phase = numberOption('phase', values.phase, (value) => Number.isInteger(value) && value >= 1, 'a phase number from 1');
  const alpha = numberOption('alpha', values.alpha, (value) => value > 0 && value < 1, 'between 0 and 1');

  const query = new URLSearchParams({ format });
  if (values.goal !== undefined) query.set('goal', values.goal);
  if (phase !== undefined) query.set('phase', String(phase));
  if (alpha !== undefined) query.set('alpha', String(alpha));
  const url = `${base.replace(/\/+$/, '')}/v1/experiments/${encodeURIComponent(experiment)}/results?${query}`;

  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw networkFailure(error, base);
  }
  const text = await response.text();
  if (response.ok) {
    io.stdout.write(format === 'json' ? `${JSON.stringify(JSON.parse(text), null, 2)}\n` : text);
    return;
  }
  const message = serverMessage(text);
  const said = message ?? `${response.status} ${response.statusText}`;
  switch (response.status) {
    case 401:
      throw new UsageError(`The API refused the key (401): ${said} Check --key or UPSHOT_API_KEY.`);
    case 403:
      throw new UsageError(`This key may not read results (403): ${said}`);
    case 404:
      throw new UsageError(
        message === null ? `Nothing found at ${url.split('?')[0]} (404); check --url.` : `Not found (404): ${message}`,
      );
    default:
      if (response.status >= 400 && response.status < 500) throw new UsageError(`The API rejected the request (${response.status}): ${said}`);
      throw new FailureError(`The API failed (${response.status}): ${said}`);
  }
}

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const KEY = 'upk_analyst';
const requests: { url: string; authorization: string | undefined }[] = [];
let server: Server;
let base: string;

/** A stand-in for the results route: answers like the real API for a few experiments. */
function answer(request: IncomingMessage): { status: number; type: string; body: string } {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const json = (status: number, body: unknown) => ({ status, type: 'application/json; charset=utf-8', body: JSON.stringify(body) });
  if (request.headers.authorization !== `Bearer ${KEY}`) return json(401, { error: 'unauthorized', message: 'This API key is unknown or revoked.' });
  if (url.pathname === '/v1/experiments/secret/results') return json(403, { error: 'forbidden', message: 'Not for this key.' });
  if (url.pathname !== '/v1/experiments/hero-offer/results') return json(404, { error: 'not_found', message: 'No experiment "nope".' });
  if (url.searchParams.get('format') === 'md') return { status: 200, type: 'text/markdown; charset=utf-8', body: '# hero-offer: purchase, phase 1\n' };
  return json(200, { experiment: 'hero-offer', phase: Number(url.searchParams.get('phase') ?? 1), goal: url.searchParams.get('goal') ?? 'purchase' });
}

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push({ url: request.url ?? '', authorization: request.headers.authorization });
    const { status, type, body } = answer(request);
    response.writeHead(status, { 'content-type': type }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('upshot results', () => {
  it('fetches the results with the key as a bearer token and prints the JSON', async () => {
    const run = await runCli(['results', 'hero-offer', '--url', `${base}/`, '--key', KEY, '--goal', 'signup', '--phase', '2']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ experiment: 'hero-offer', phase: 2, goal: 'signup' });
    expect(requests.at(-1)).toEqual({ url: '/v1/experiments/hero-offer/results?format=json&goal=signup&phase=2', authorization: `Bearer ${KEY}` });
  });

  it('prints the API’s Markdown as it comes, taking the URL and key from the environment', async () => {
    const run = await runCli(['results', 'hero-offer', '--format', 'md'], { env: { UPSHOT_URL: base, UPSHOT_API_KEY: KEY } });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('# hero-offer: purchase, phase 1\n');
  });

  it('explains a refused key (401), a forbidden read (403) and an unknown experiment (404), exiting with 2', async () => {
    const refused = await runCli(['results', 'hero-offer', '--url', base, '--key', 'upk_wrong']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('The API refused the key (401): This API key is unknown or revoked. Check --key or UPSHOT_API_KEY.');
    const forbidden = await runCli(['results', 'secret', '--url', base, '--key', KEY]);
    expect(forbidden.code).toBe(2);
    expect(forbidden.stderr).toContain('This key may not read results (403): Not for this key.');
    const missing = await runCli(['results', 'nope', '--url', base, '--key', KEY]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Not found (404): No experiment "nope".');
  });

  it('says so when nothing listens at the URL, exiting with 1', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const run = await runCli(['results', 'hero-offer', '--url', `http://127.0.0.1:${port}`, '--key', KEY]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Could not connect to http://127.0.0.1:${port}: connection refused.`);
  });

  it('refuses to run without a URL or a key, exiting with 2', async () => {
    const noUrl = await runCli(['results', 'hero-offer', '--key', KEY]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('results needs --url');
    const noKey = await runCli(['results', 'hero-offer', '--url', base]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('results needs an API key');
  });
});

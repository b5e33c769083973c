import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { ApiKeyRecord } from '../../src/domain/index.ts';
import { makeHandler } from '../../src/handlers/results.ts';
import type { HttpEvent, HttpResponse } from '../../src/http/http-handler.ts';
import { hashKey } from '../../src/use-cases/manage-keys.ts';
import { counterRow, fakeDeps, launchedExperiment } from './fake-store.ts';

const analystKey = 'upk_test-analyst-key';
const apiKey: ApiKeyRecord = { id: 'analyst', hash: hashKey(analystKey), label: 'test', role: 'analyst', createdAt: '2025-05-01T00:00:00.000Z' };
const rows = [
  counterRow('A', '2025-05-01', { visitors: 10, conversions: 1, revenue: 2500, revenueSquares: 6_250_000 }),
  counterRow('B', '2025-05-01', { visitors: 12, conversions: 3, revenue: 6000, revenueSquares: 12_500_000 }),
];
const handler = makeHandler(fakeDeps(launchedExperiment(), rows, { apiKey }));

async function get(query: Record<string, string>, key = analystKey): Promise<HttpResponse & { headers: Record<string, string>; body: string }> {
  const event = {
    version: '2.0',
    routeKey: 'GET /v1/experiments/{key}/results',
    rawPath: '/v1/experiments/hero-offer/results',
    rawQueryString: new URLSearchParams(query).toString(),
    headers: { authorization: `Bearer ${key}` },
    queryStringParameters: query,
    pathParameters: { key: 'hero-offer' },
    isBase64Encoded: false,
    requestContext: { http: { method: 'GET', path: '/v1/experiments/hero-offer/results' } },
  } as unknown as HttpEvent;
  return (await handler(event, {} as Context)) as HttpResponse & { headers: Record<string, string>; body: string };
}

describe('GET /v1/experiments/{key}/results', () => {
  it('returns the counts document with the summary as JSON by default', async () => {
    const response = await get({});
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = JSON.parse(response.body);
    expect(body).toMatchObject({ experiment: 'hero-offer', phase: 1, goal: 'purchase', currency: 'EUR' });
    expect(body.variants[0]).toMatchObject({ key: 'A', revenue: 2500, revenuePerVisitor: 2.5 });
    expect(body.decision.status).toBe('collecting');
    expect(body.cumulative).toHaveLength(2);
  });

  it('exports CSV as an attachment named after experiment, phase and goal', async () => {
    const response = await get({ format: 'csv' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="hero-offer-phase1-purchase.csv"');
    const lines = response.body.split('\r\n');
    expect(lines[0]).toMatch(/^experiment,phase,goal,variant,control,visitors,conversions,conversionRate,/);
    expect(lines[1]).toMatch(/^hero-offer,1,purchase,A,true,10,1,0\.1,/);
    expect(lines).toHaveLength(4);
  });

  it('exports Markdown', async () => {
    const response = await get({ format: 'md' });
    expect(response.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(response.body.startsWith('# hero-offer: purchase, phase 1\n')).toBe(true);
  });

  it('answers 400 for an alpha outside (0, 1) or an unknown format', async () => {
    expect((await get({ alpha: '1.5' })).statusCode).toBe(400);
    expect((await get({ format: 'xlsx' })).statusCode).toBe(400);
  });

  it('answers 401 without a valid key', async () => {
    expect((await get({}, 'upk_wrong')).statusCode).toBe(401);
  });
});

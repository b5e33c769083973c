import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { keysCommand } from '../../functions/src/cli/keys.ts';
import { routes } from '../../functions/src/routes.ts';
import { createTestTable, testClientConfig } from '../../functions/test/support/dynamodb.ts';
import { REPOSITORY_ROOT } from '../lib/upshot-function.ts';

const run = promisify(execFile);
const OUT = join(REPOSITORY_ROOT, 'cdk.out');
const INVOKE = join(REPOSITORY_ROOT, 'infra/test/support/invoke-bundle.mjs');

/** This shell's environment without anything that could lead the CLI to AWS credentials or an account. */
function offlineEnvironment(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(AWS_|CDK_)/.test(name)));
  const nowhere = join(tmpdir(), 'upshot-no-aws', 'none');
  return {
    ...env,
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

interface Template {
  Resources: Record<string, { Type: string; Properties: Record<string, any>; Metadata?: Record<string, string> }>;
}
const template = (stack: string): Template => JSON.parse(readFileSync(join(OUT, `Upshot-prod-${stack}.template.json`), 'utf8')) as Template;

/** Each function's bundle directory in cdk.out, by function name (route name, `sdk-endpoint` or `aggregator`). */
function bundleDirectories(): Map<string, string> {
  const found = new Map<string, string>();
  for (const resource of Object.values(template('Api').Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const description = String(resource.Properties['Description']);
    const name = description.startsWith('Upshot stream aggregator')
      ? 'aggregator'
      : description.startsWith('Upshot SDK endpoint')
        ? 'sdk-endpoint'
        : routes.find((route) => description === `Upshot ${route.method} ${route.path} (${route.access})`)?.name;
    if (name) found.set(name, join(OUT, String(resource.Metadata?.['aws:asset:path'])));
  }
  return found;
}

let synthOutput: string;

beforeAll(async () => {
  const { stdout, stderr } = await run('npx', ['cdk', 'synth', '--quiet', '--no-notices'], {
    cwd: REPOSITORY_ROOT,
    env: offlineEnvironment(),
    maxBuffer: 64 * 1024 * 1024,
    timeout: 240_000,
  });
  synthOutput = stdout + stderr;
}, 250_000);

describe('npx cdk synth', () => {
  it('synthesizes the data, API and web stacks offline, without AWS credentials, with no finding left', () => {
    for (const stack of ['Data', 'Api', 'Web']) expect(existsSync(join(OUT, `Upshot-prod-${stack}.template.json`)), stack).toBe(true);
    expect(synthOutput).not.toMatch(/^(ERROR|WARNING) /m);
    const report = JSON.parse(readFileSync(join(OUT, 'validation-report.json'), 'utf8')) as { pluginReports: { conclusion: string; violations: unknown[] }[] };
    for (const plugin of report.pluginReports) expect(plugin.violations).toEqual([]);
  });

  it('bundles every function as minified ESM with source maps and the require banner, and reports the sizes', () => {
    const bundles = bundleDirectories();
    expect([...bundles.keys()].sort()).toEqual([...routes.map((route) => route.name), 'sdk-endpoint', 'aggregator'].sort());
    const sizes: Record<string, { bytes: number; gzipBytes: number; sourceMapBytes: number }> = {};
    for (const [name, dir] of bundles) {
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(readdirSync(dir).sort(), name).toEqual(['index.mjs', 'index.mjs.map']);
      expect(code.startsWith("import { createRequire } from 'module'; const require = createRequire(import.meta.url);"), name).toBe(true);
      expect(code.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map'), name).toBe(true);
      // Minified: a few long lines (template literals keep their own line breaks).
      expect(code.length / code.split('\n').length, name).toBeGreaterThan(2_000);
      // The AWS SDK is bundled (the version the code was tested with), not taken from the runtime.
      expect(code, name).not.toMatch(/from\s*"@aws-sdk\//);
      expect(code, name).not.toMatch(/from\s*"@upshot\//);
      sizes[name] = {
        bytes: statSync(join(dir, 'index.mjs')).size,
        gzipBytes: gzipSync(code).length,
        sourceMapBytes: statSync(join(dir, 'index.mjs.map')).size,
      };
      // About 480 KB each; `import { z } from 'zod'` instead of `import * as z` adds zod's 60-odd locales (~370 KB).
      expect(sizes[name].bytes, `${name} bundle size`).toBeLessThan(650_000);
    }
    writeFileSync(join(OUT, 'bundle-sizes.json'), `${JSON.stringify(sizes, null, 2)}\n`);
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`.padStart(8);
    console.log(
      ['Lambda bundles (index.mjs, gzip, source map):']
        .concat(Object.entries(sizes).map(([name, size]) => `  ${name.padEnd(22)}${kb(size.bytes)}${kb(size.gzipBytes)}${kb(size.sourceMapBytes)}`))
        .join('\n'),
    );
  });

  it('stages the site (the dashboard, or the placeholder page) as one asset', () => {
    const deployment = Object.values(template('Web').Resources).find((resource) => resource.Type === 'Custom::CDKBucketDeployment')!;
    const [objectKey] = deployment.Properties['SourceObjectKeys'] as string[];
    const assetDir = join(OUT, `asset.${objectKey!.replace(/\.zip$/, '')}`);
    expect(existsSync(join(assetDir, 'index.html'))).toBe(true);
  });
});

describe('the bundled handlers', () => {
  let table: string;
  let endpoint: string;
  let admin: string;
  const scratch = mkdtempSync(join(tmpdir(), 'upshot-invoke-'));

  beforeAll(async () => {
    table = await createTestTable('bundles');
    endpoint = String(testClientConfig().endpoint);
    let stdout = '';
    const code = await keysCommand(['create', '--role', 'admin', '--table', table, '--endpoint', endpoint], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: () => true },
      readStdin: async () => '',
      env: {},
    });
    expect(code).toBe(0);
    admin = stdout.trim();
  });

  /** Invokes a function's bundle in a plain Node process, with the environment Lambda would give it. */
  async function invoke(name: string, event: unknown): Promise<any> {
    const dir = bundleDirectories().get(name)!;
    const id = randomUUID();
    const eventFile = join(scratch, `${id}.event.json`);
    const resultFile = join(scratch, `${id}.result.json`);
    writeFileSync(eventFile, JSON.stringify(event));
    await run(process.execPath, ['--enable-source-maps', INVOKE, join(dir, 'index.mjs'), eventFile, resultFile], {
      env: {
        PATH: process.env['PATH'],
        TABLE_NAME: table,
        AWS_REGION: 'us-east-1',
        DYNAMODB_ENDPOINT: endpoint,
        CONFIG_CACHE_SECONDS: '0',
      },
      timeout: 30_000,
    });
    const outcome = JSON.parse(readFileSync(resultFile, 'utf8'));
    if (outcome.error) throw new Error(`${name}: ${outcome.error.name}: ${outcome.error.message}`);
    return outcome.result;
  }

  /** An API Gateway HTTP API (payload 2.0) event for one route. */
  function request(name: string, options: { path?: string; params?: Record<string, string>; query?: Record<string, string>; headers?: Record<string, string>; body?: unknown } = {}) {
    const route = routes.find((candidate) => candidate.name === name)!;
    const headers = { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers };
    return {
      version: '2.0',
      routeKey: `${route.method} ${route.path}`,
      rawPath: options.path ?? route.path,
      rawQueryString: new URLSearchParams(options.query).toString(),
      headers,
      queryStringParameters: options.query,
      pathParameters: options.params,
      requestContext: { http: { method: route.method, path: options.path ?? route.path }, requestId: randomUUID(), routeKey: `${route.method} ${route.path}`, stage: '$default' },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      isBase64Encoded: false,
    };
  }
  const bodyOf = (response: { body: string }) => JSON.parse(response.body);

  /** A Lambda function URL event (payload 2.0): every request arrives as routeKey `$default`, routed by the function itself. */
  function functionUrlRequest(method: string, path: string, options: { query?: Record<string, string>; headers?: Record<string, string>; body?: unknown } = {}) {
    const headers = { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers };
    return {
      version: '2.0',
      routeKey: '$default',
      rawPath: path,
      rawQueryString: new URLSearchParams(options.query).toString(),
      headers,
      queryStringParameters: options.query,
      requestContext: {
        domainName: 'abcdefghij.lambda-url.us-east-1.on.aws',
        http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'vitest' },
        requestId: randomUUID(),
        routeKey: '$default',
        stage: '$default',
        timeEpoch: Date.now(),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      isBase64Encoded: false,
    };
  }

  it('answers the health check', async () => {
    const response = await invoke('health', request('health'));
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ status: 'ok' });
  });

  it('refuses a wrong content type before touching the table', async () => {
    const response = await invoke('events', { ...request('events', { body: {} }), headers: { 'content-type': 'application/xml' } });
    expect(response.statusCode).toBe(415);
  });

  it('serves keys, experiments, assignment, events, stream aggregation and results end to end', async () => {
    const asAdmin = { authorization: `Bearer ${admin}` };
    const sdkKey = await invoke('sdk-keys-create', request('sdk-keys-create', { headers: asAdmin, body: { label: 'Shop', origins: ['https://shop.example.com'] } }));
    expect(sdkKey.statusCode).toBe(201);
    const sdk = bodyOf(sdkKey).key as string;

    const experiment = {
      key: 'bundle-smoke',
      name: 'Bundle smoke',
      hypothesis: 'A per-day price sells more subscriptions.',
      variants: [
        { key: 'A', weight: 0.5, control: true, payload: { priceText: '€29 / month' } },
        { key: 'B', weight: 0.5, payload: { priceText: 'less than €1 a day' } },
      ],
      coverage: 1,
      goals: [{ key: 'subscribe', primary: true, revenue: true }],
      stages: ['plan', 'payment'],
      costs: { B: { fixed: 0, perVisitor: 0, perConversion: 0, revenueShare: 0 } },
      margin: 0.6,
      currency: 'EUR',
    };
    expect((await invoke('experiments-create', request('experiments-create', { headers: asAdmin, body: experiment }))).statusCode).toBe(201);
    const launched = await invoke(
      'experiments-lifecycle',
      request('experiments-lifecycle', { path: '/v1/experiments/bundle-smoke/launch', params: { key: 'bundle-smoke', action: 'launch' }, headers: asAdmin }),
    );
    expect(launched.statusCode).toBe(200);
    expect(bodyOf(launched)).toMatchObject({ status: 'running', phase: 1 });

    const page = { origin: 'https://shop.example.com' };
    const config = await invoke('config', request('config', { query: { key: sdk }, headers: page }));
    expect(config.statusCode).toBe(200);
    expect(config.headers['access-control-allow-origin']).toBe('https://shop.example.com');
    expect(bodyOf(config).experiments.map((candidate: { key: string }) => candidate.key)).toEqual(['bundle-smoke']);

    const assigned = await invoke('assign', request('assign', { query: { key: sdk }, headers: page, body: { visitor: 'v-bundle-1', experiments: ['bundle-smoke'] } }));
    expect(assigned.statusCode).toBe(200);
    const variant = bodyOf(assigned).assignments['bundle-smoke'].variant as string;
    expect(['A', 'B']).toContain(variant);

    const conversion = { id: randomUUID(), type: 'conversion', experiment: 'bundle-smoke', variant, visitor: 'v-bundle-1', goal: 'subscribe', revenue: 2900, currency: 'EUR', ts: Date.now() };
    const events = await invoke('events', request('events', { query: { key: sdk }, headers: page, body: { events: [conversion] } }));
    expect(events.statusCode).toBe(200);
    expect(bodyOf(events)).toMatchObject({ accepted: 1, duplicates: 0, rejected: [] });

    // The stream record DynamoDB would send for this visitor state, delivered twice (a Lambda retry).
    const client = new DynamoDBClient(testClientConfig());
    const keys = { pk: { S: 'VIS#bundle-smoke#1#v-bundle-1' }, sk: { S: 'STATE' } };
    const { Item } = await client.send(new GetItemCommand({ TableName: table, Key: keys, ConsistentRead: true }));
    client.destroy();
    expect(Item).toBeDefined();
    const batch = { shardId: 'shardId-00000001', Records: [{ eventName: 'INSERT', dynamodb: { SequenceNumber: '1000', Keys: keys, NewImage: Item } }] };
    for (let delivery = 0; delivery < 2; delivery++) {
      expect(await invoke('aggregator', batch)).toEqual({ batchItemFailures: [], state: {} });
    }
    await expect(invoke('aggregator', { Records: batch.Records })).rejects.toThrow(/shardId/);

    const results = await invoke('results', request('results', { path: '/v1/experiments/bundle-smoke/results', params: { key: 'bundle-smoke' }, headers: asAdmin }));
    expect(results.statusCode).toBe(200);
    const counts = bodyOf(results).variants.find((candidate: { key: string }) => candidate.key === variant);
    expect(counts).toMatchObject({ visitors: 1, conversions: 1, revenue: 2900 });
  });

  it('serves the public routes, and only those, through the SDK endpoint bundle from function-URL events', async () => {
    const health = await invoke('sdk-endpoint', functionUrlRequest('GET', '/v1/health'));
    expect(health.statusCode).toBe(200);
    expect(bodyOf(health)).toMatchObject({ status: 'ok' });

    const created = await invoke('sdk-keys-create', request('sdk-keys-create', { headers: { authorization: `Bearer ${admin}` }, body: { label: 'Endpoint', origins: ['https://shop.example.com'] } }));
    expect(created.statusCode).toBe(201);
    const sdk = bodyOf(created).key as string;
    const config = await invoke('sdk-endpoint', functionUrlRequest('GET', '/v1/config', { query: { key: sdk }, headers: { origin: 'https://shop.example.com' } }));
    expect(config.statusCode).toBe(200);
    expect(config.headers['access-control-allow-origin']).toBe('https://shop.example.com');
    expect(Array.isArray(bodyOf(config).experiments)).toBe(true);
    const foreign = await invoke('sdk-endpoint', functionUrlRequest('GET', '/v1/config', { query: { key: sdk }, headers: { origin: 'https://elsewhere.example.net' } }));
    expect(foreign.statusCode).toBe(403);

    // Management routes are not behind the function URL, whatever the key.
    const management = await invoke('sdk-endpoint', functionUrlRequest('GET', '/v1/experiments', { headers: { authorization: `Bearer ${admin}` } }));
    expect(management.statusCode).toBe(404);
    expect((await invoke('sdk-endpoint', functionUrlRequest('DELETE', '/v1/events'))).statusCode).toBe(405);
  });
});

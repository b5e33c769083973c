import { createHash } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { keysCommand } from '../../functions/src/cli/keys.ts';
import type { Io } from '../../functions/src/cli/io.ts';
import { clientFor, buildDeps } from '../../functions/src/composition.ts';
import { authenticate, authorizeSdk } from '../../functions/src/use-cases/manage-keys.ts';
import { createTestTable, testClientConfig } from '../../functions/test/support/dynamodb.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `upshot keys …` with captured output and only the environment given (no AWS settings of this shell). */
async function keys(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    readStdin: async () => '',
    env,
  };
  const code = await keysCommand(args, io);
  return { code, stdout, stderr };
}

let table: string;
let endpoint: string;

beforeAll(async () => {
  table = await createTestTable('keys-cli');
  endpoint = String(testClientConfig().endpoint);
});

const depsFor = () => buildDeps({ client: clientFor({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: endpoint }), tableName: table });

describe('upshot keys create', () => {
  it('creates an admin key that the management API accepts, stores only its SHA-256 and prints the key once', async () => {
    const run = await keys(['create', '--role', 'admin', '--table', table, '--region', 'eu-central-1', '--endpoint', endpoint]);
    expect(run.code).toBe(0);
    const key = run.stdout.trim();
    expect(key).toMatch(/^upk_[A-Za-z0-9_-]{32}$/);
    expect(run.stderr).toContain('admin key');
    expect(run.stderr).not.toContain(key);

    const record = await authenticate(depsFor(), key, 'admin');
    expect(record).toMatchObject({ role: 'admin', label: 'admin key (upshot keys create)' });

    const hash = createHash('sha256').update(key).digest('hex');
    const client = new DynamoDBClient(testClientConfig());
    const { Item } = await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'APIKEY' }, sk: { S: hash } } }));
    client.destroy();
    expect(Item).toBeDefined();
    expect(JSON.stringify(Item)).not.toContain(key);
  });

  it('creates an analyst key with a label and prints it as JSON', async () => {
    const run = await keys(['create', '--role', 'analyst', '--label', 'Analyst Anna', '--table', table, '--json'], { DYNAMODB_ENDPOINT: endpoint, AWS_REGION: 'eu-west-1' });
    expect(run.code).toBe(0);
    const created = JSON.parse(run.stdout);
    expect(created).toMatchObject({ role: 'analyst', label: 'Analyst Anna' });
    expect(created.id).toMatch(/^[0-9a-f]{12}$/);
    await expect(authenticate(depsFor(), created.key, 'analyst')).resolves.toMatchObject({ id: created.id });
    await expect(authenticate(depsFor(), created.key, 'admin')).rejects.toThrow(/admin key/);
  });

  it('creates an SDK key for the given origins, from UPSHOT_TABLE', async () => {
    const run = await keys(['create', '--role', 'sdk', '--origin', 'https://shop.example.com,https://*.example.org', '--json'], {
      UPSHOT_TABLE: table,
      DYNAMODB_ENDPOINT: endpoint,
    });
    expect(run.code).toBe(0);
    const created = JSON.parse(run.stdout);
    expect(created.origins).toEqual(['https://shop.example.com', 'https://*.example.org']);
    await expect(authorizeSdk(depsFor(), created.key, 'https://www.example.org')).resolves.toMatchObject({ id: created.id });
    await expect(authorizeSdk(depsFor(), created.key, 'https://evil.example.net')).rejects.toThrow();
  });

  it('refuses an unknown role, a missing table or region, and an SDK key without origins, with exit status 2', async () => {
    const badRole = await keys(['create', '--role', 'owner', '--table', table, '--endpoint', endpoint]);
    expect(badRole).toMatchObject({ code: 2, stdout: '' });
    expect(badRole.stderr).toContain('--role must be admin, analyst or sdk');

    const noTable = await keys(['create', '--role', 'admin', '--region', 'eu-central-1']);
    expect(noTable.code).toBe(2);
    expect(noTable.stderr).toContain('--table');

    const noRegion = await keys(['create', '--role', 'admin', '--table', table]);
    expect(noRegion.code).toBe(2);
    expect(noRegion.stderr).toContain('--region');

    const noOrigins = await keys(['create', '--role', 'sdk', '--table', table, '--endpoint', endpoint]);
    expect(noOrigins.code).toBe(2);
    expect(noOrigins.stderr).toContain('--origin');

    const unknownOption = await keys(['create', '--role', 'admin', '--table', table, '--colour', 'red']);
    expect(unknownOption.code).toBe(2);

    expect((await keys(['rotate'])).code).toBe(2);
    expect((await keys([])).code).toBe(2);
  });

  it('prints its help on --help', async () => {
    const run = await keys(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('upshot keys create --role admin|analyst|sdk --table <name>');
  });

  it('names the table and region when the table does not exist, with exit status 1', async () => {
    const run = await keys(['create', '--role', 'admin', '--table', 'no-such-table', '--region', 'eu-central-1', '--endpoint', endpoint]);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toContain('Table "no-such-table" was not found in eu-central-1');
  });
});

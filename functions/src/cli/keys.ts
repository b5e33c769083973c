import { parseArgs } from 'node:util';
import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { buildDeps, clientFor } from '../composition.ts';
import { newApiKeySchema, newSdkKeySchema } from '../domain/index.ts';
import { createApiKey, createSdkKey } from '../use-cases/manage-keys.ts';
import { FailureError, UsageError, reportCliError } from './cli-error.ts';
import { processIo, type Io } from './io.ts';

export const keysUsage = `Usage: upshot keys create --role admin|analyst|sdk --table <name> [options]

Creates a key directly in an Upshot table, with the AWS credentials of your shell: the
way to the first admin key of a new deployment (the API needs an admin key to create
keys, and the CDK app never creates one). The key is printed once; only its SHA-256 is
stored.

  --role <role>       admin (manage experiments and keys), analyst (read) or
                      sdk (a public key for the SDK on the sites of --origin)
  --table <name>      the DynamoDB table: the TableName output of the Upshot-<stage>-Data
                      stack (default: $UPSHOT_TABLE)
  --region <region>   its region (default: $AWS_REGION, then $AWS_DEFAULT_REGION)
  --label <text>      a name to recognise the key by in listings
  --origin <origin>   for --role sdk: an allowed origin such as https://shop.example.com
                      or https://*.example.com; repeat it or separate origins by commas
  --endpoint <url>    another DynamoDB endpoint, e.g. DynamoDB Local at
                      http://localhost:8000 (default: $DYNAMODB_ENDPOINT)
  --json              print {"id", "key", ...} as JSON instead of the key alone

Example:
  npx upshot keys create --role admin --table Upshot-prod-Data-TableCD117FA1-XXXX --region eu-central-1
`;

const ROLES = ['admin', 'analyst', 'sdk'] as const;
type KeyRole = (typeof ROLES)[number];

/** The first issue of a zod parse, as a sentence for the terminal. */
function firstIssue(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid input';
  return issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message;
}

function failure(error: unknown, table: string, region: string): FailureError {
  if (error instanceof ResourceNotFoundException) {
    return new FailureError(`Table "${table}" was not found in ${region}. Check --table (the Data stack's TableName output) and --region.`, { cause: error });
  }
  const name = (error as { name?: string }).name ?? '';
  if (name === 'CredentialsProviderError' || name === 'UnrecognizedClientException' || name === 'ExpiredTokenException') {
    return new FailureError(`No valid AWS credentials for ${region}: sign in (aws sso login, AWS_PROFILE, …) and try again.`, { cause: error });
  }
  if (name === 'AccessDeniedException') {
    return new FailureError(`Your AWS identity may not write to "${table}" (dynamodb:PutItem): ${(error as Error).message}`, { cause: error });
  }
  return new FailureError(`Could not write the key to "${table}": ${(error as Error).message}`, { cause: error });
}

async function createKey(args: string[], io: Io): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      table: { type: 'string' },
      region: { type: 'string' },
      label: { type: 'string' },
      origin: { type: 'string', multiple: true },
      endpoint: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(keysUsage);
    return;
  }
  if (positionals.length > 0) throw new UsageError(`keys create takes options only; got "${positionals[0]}".`, keysUsage);
  const role = values.role as KeyRole | undefined;
  if (role === undefined) throw new UsageError('keys create needs --role admin, analyst or sdk.', keysUsage);
  if (!ROLES.includes(role)) throw new UsageError(`--role must be admin, analyst or sdk; got "${role}".`);
  const table = values.table ?? (io.env['UPSHOT_TABLE'] || undefined);
  if (table === undefined) throw new UsageError('keys create needs --table <name> (or UPSHOT_TABLE): the Data stack\'s TableName output.');
  const endpoint = values.endpoint ?? (io.env['DYNAMODB_ENDPOINT'] || undefined);
  if (endpoint !== undefined && !URL.canParse(endpoint)) throw new UsageError(`--endpoint must be a URL; got "${endpoint}".`);
  const region = values.region ?? (io.env['AWS_REGION'] || io.env['AWS_DEFAULT_REGION'] || (endpoint ? 'us-east-1' : undefined));
  if (region === undefined) throw new UsageError('keys create needs --region (or AWS_REGION): the region of the table.');
  const origins = (values.origin ?? []).flatMap((value) => value.split(',')).map((origin) => origin.trim()).filter(Boolean);
  if (role !== 'sdk' && origins.length > 0) throw new UsageError('--origin belongs to SDK keys: use it with --role sdk.');
  const label = values.label ?? (role === 'sdk' ? 'SDK key' : `${role} key (upshot keys create)`);

  const create = (deps: ReturnType<typeof buildDeps>) => {
    if (role === 'sdk') {
      const request = newSdkKeySchema.safeParse({ label, origins });
      if (!request.success) {
        throw new UsageError(origins.length === 0 ? 'An SDK key needs at least one --origin, e.g. --origin https://shop.example.com.' : firstIssue(request.error));
      }
      return () => createSdkKey(deps, request.data);
    }
    const request = newApiKeySchema.safeParse({ label, role });
    if (!request.success) throw new UsageError(firstIssue(request.error));
    return () => createApiKey(deps, request.data);
  };

  const client = clientFor({ AWS_REGION: region, DYNAMODB_ENDPOINT: endpoint });
  try {
    const write = create(buildDeps({ client, tableName: table }));
    let created: Awaited<ReturnType<typeof write>>;
    try {
      created = await write();
    } catch (error) {
      throw failure(error, table, region);
    }
    if (values.json) {
      io.stdout.write(`${JSON.stringify(role === 'sdk' ? { role, ...created } : created)}\n`);
    } else {
      io.stdout.write(`${created.key}\n`);
      io.stderr.write(`Created ${role === 'sdk' ? 'an SDK' : `an ${role}`} key (id ${created.id}, "${created.label}") in ${table}. It is shown only this once: keep it in a password manager.\n`);
    }
  } finally {
    client.destroy();
  }
}

/**
 * `upshot keys create`: writes a management or SDK key straight into the table through the
 * real DynamoDB adapter and use case, with the caller's AWS credentials. Returns the exit
 * status: 0 created, 2 bad usage, 1 DynamoDB refused or could not be reached.
 */
export async function keysCommand(argv: string[], io: Io = processIo): Promise<number> {
  const [subcommand, ...args] = argv;
  try {
    if (subcommand === undefined || subcommand === '--help' || subcommand === '-h' || subcommand === 'help') {
      (subcommand === undefined ? io.stderr : io.stdout).write(keysUsage);
      return subcommand === undefined ? 2 : 0;
    }
    if (subcommand !== 'create') throw new UsageError(`unknown keys subcommand "${subcommand}"; the one there is: create.`, keysUsage);
    await createKey(args, io);
    return 0;
  } catch (error) {
    return reportCliError('keys', error, io);
  }
}

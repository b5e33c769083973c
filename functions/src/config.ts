import * as z from 'zod';

/** Days a visitor's state is kept after its last event, unless RETENTION_DAYS says otherwise. */
export const DEFAULT_RETENTION_DAYS = 400;
/** Seconds experiment definitions and SDK keys are kept per process, unless CONFIG_CACHE_SECONDS says otherwise. */
export const DEFAULT_CONFIG_CACHE_SECONDS = 5;

/** The only reader of process.env: parsed once, with the missing or bad variable named. */
const environmentSchema = z.object({
  TABLE_NAME: z.string().min(1, 'TABLE_NAME names the DynamoDB table.'),
  AWS_REGION: z.string().default('us-east-1'),
  /** Set locally to DynamoDB Local's URL; unset in Lambda. */
  DYNAMODB_ENDPOINT: z.string().url().optional(),
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(DEFAULT_RETENTION_DAYS),
  CONFIG_CACHE_SECONDS: z.coerce.number().min(0).max(300).default(DEFAULT_CONFIG_CACHE_SECONDS),
});

export type Environment = z.output<typeof environmentSchema>;

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Upshot configuration is incomplete: ${problems}`);
  }
  return parsed.data;
}

import * as z from 'zod';

/** The only reader of process.env: parsed once, with the missing or bad variable named. */
const environmentSchema = z.object({
  TABLE_NAME: z.string().min(1, 'TABLE_NAME names the DynamoDB table.'),
  AWS_REGION: z.string().default('us-east-1'),
  /** Set locally to DynamoDB Local's URL; unset in Lambda. */
  DYNAMODB_ENDPOINT: z.string().url().optional(),
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(400),
  CONFIG_CACHE_SECONDS: z.coerce.number().min(0).max(300).default(5),
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

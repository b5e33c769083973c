import { z } from 'zod';
import { lambdaDeps } from '../composition.ts';
import { keySchema } from '../domain/index.ts';
import { defineHandler } from '../http/http-handler.ts';
import { readResults } from '../use-cases/read-results.ts';

export const makeHandler = defineHandler({
  route: 'results',
  params: z.object({ key: keySchema }),
  query: z.object({ goal: keySchema.optional(), phase: z.coerce.number().int().min(1).optional() }),
  run: async (deps, { params, query }) => ({ body: await readResults(deps, params.key, query) }),
});

export const handler = makeHandler(lambdaDeps);

import * as z from 'zod';
import { lambdaDeps } from '../composition.ts';
import { keySchema } from '../domain/index.ts';
import { defineHandler } from '../http/http-handler.ts';
import { getExperiment } from '../use-cases/manage-experiments.ts';

export const makeHandler = defineHandler({
  route: 'experiments-get',
  params: z.object({ key: keySchema }),
  run: async (deps, { params }) => ({ body: await getExperiment(deps, params.key) }),
});

export const handler = makeHandler(lambdaDeps);

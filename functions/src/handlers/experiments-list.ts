import * as z from 'zod';
import { lambdaDeps } from '../composition.ts';
import { experimentStatuses } from '../domain/index.ts';
import { defineHandler } from '../http/http-handler.ts';
import { listExperiments } from '../use-cases/manage-experiments.ts';

export const makeHandler = defineHandler({
  route: 'experiments-list',
  query: z.object({ status: z.enum(experimentStatuses).optional() }),
  run: async (deps, { query }) => ({ body: { experiments: await listExperiments(deps, query) } }),
});

export const handler = makeHandler(lambdaDeps);

import { lambdaDeps } from '../composition.ts';
import { newExperimentSchema } from '../domain/index.ts';
import { defineHandler } from '../http/http-handler.ts';
import { createExperiment } from '../use-cases/manage-experiments.ts';

export const makeHandler = defineHandler({
  route: 'experiments-create',
  body: newExperimentSchema,
  run: async (deps, { body }) => ({ status: 201, body: await createExperiment(deps, body) }),
});

export const handler = makeHandler(lambdaDeps);

import * as z from 'zod';
import { lambdaDeps } from '../composition.ts';
import { keySchema, lifecycleActions, phaseChangeSchema } from '../domain/index.ts';
import { defineHandler } from '../http/http-handler.ts';
import { changeLifecycle } from '../use-cases/manage-experiments.ts';

export const makeHandler = defineHandler({
  route: 'experiments-lifecycle',
  params: z.object({ key: keySchema, action: z.enum(lifecycleActions) }),
  body: phaseChangeSchema,
  run: async (deps, { params, body }) => ({ body: await changeLifecycle(deps, params.key, params.action, body) }),
});

export const handler = makeHandler(lambdaDeps);

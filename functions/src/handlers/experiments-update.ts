import * as z from 'zod';
import { lambdaDeps } from '../composition.ts';
import { experimentPatchSchema, keySchema } from '../domain/index.ts';
import { defineHandler } from '../http/http-handler.ts';
import { updateDraft } from '../use-cases/manage-experiments.ts';

export const makeHandler = defineHandler({
  route: 'experiments-update',
  params: z.object({ key: keySchema }),
  body: experimentPatchSchema,
  run: async (deps, { params, body }) => ({ body: await updateDraft(deps, params.key, body) }),
});

export const handler = makeHandler(lambdaDeps);

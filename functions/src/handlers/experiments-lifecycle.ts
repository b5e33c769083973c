import * as z from 'zod';
import { lambdaDeps } from '../composition.ts';
import { keySchema, lifecycleActions, phaseChangeSchema, validationError } from '../domain/index.ts';
import { defineHandler } from '../http/http-handler.ts';
import { changeLifecycle } from '../use-cases/manage-experiments.ts';

export const makeHandler = defineHandler({
  route: 'experiments-lifecycle',
  params: z.object({ key: keySchema, action: z.enum(lifecycleActions) }),
  body: phaseChangeSchema,
  run: async (deps, { params, body }) => {
    // Only a new phase changes the definition; any other action with changes would drop them silently.
    const changes = Object.keys(body);
    if (params.action !== 'phase' && changes.length > 0) {
      throw validationError('request body', [{ path: [changes[0]!], message: `"${params.action}" takes no changes; send them with the "phase" action, or edit a draft.` }]);
    }
    return { body: await changeLifecycle(deps, params.key, params.action, body) };
  },
});

export const handler = makeHandler(lambdaDeps);

import { lambdaDeps } from '../composition.ts';
import { newSdkKeySchema } from '../domain/index.ts';
import { defineHandler } from '../http/http-handler.ts';
import { createSdkKey } from '../use-cases/manage-keys.ts';

export const makeHandler = defineHandler({
  route: 'sdk-keys-create',
  body: newSdkKeySchema,
  run: async (deps, { body }) => ({ status: 201, body: await createSdkKey(deps, body) }),
});

export const handler = makeHandler(lambdaDeps);

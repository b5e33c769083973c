import { lambdaDeps } from '../composition.ts';
import { newApiKeySchema } from '../domain/index.ts';
import { defineHandler } from '../http/http-handler.ts';
import { createApiKey } from '../use-cases/manage-keys.ts';

export const makeHandler = defineHandler({
  route: 'api-keys-create',
  body: newApiKeySchema,
  run: async (deps, { body }) => ({ status: 201, body: await createApiKey(deps, body) }),
});

export const handler = makeHandler(lambdaDeps);

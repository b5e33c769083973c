import { lambdaDeps } from '../composition.ts';
import { defineHandler } from '../http/http-handler.ts';
import { listApiKeys } from '../use-cases/manage-keys.ts';

export const makeHandler = defineHandler({
  route: 'api-keys-list',
  run: async (deps) => ({ body: { keys: await listApiKeys(deps) } }),
});

export const handler = makeHandler(lambdaDeps);

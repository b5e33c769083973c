import { lambdaDeps } from '../composition.ts';
import { defineHandler } from '../http/http-handler.ts';
import { listSdkKeys } from '../use-cases/manage-keys.ts';

export const makeHandler = defineHandler({
  route: 'sdk-keys-list',
  run: async (deps) => ({ body: { keys: await listSdkKeys(deps) } }),
});

export const handler = makeHandler(lambdaDeps);

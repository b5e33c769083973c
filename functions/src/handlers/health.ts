import { lambdaDeps } from '../composition.ts';
import { defineHandler } from '../http/http-handler.ts';

export const makeHandler = defineHandler({
  route: 'health',
  run: async (deps) => ({ body: { status: 'ok', time: deps.clock().toISOString() } }),
});

export const handler = makeHandler(lambdaDeps);

import * as z from 'zod';
import { lambdaDeps } from '../composition.ts';
import { defineHandler } from '../http/http-handler.ts';
import { revokeSdkKey } from '../use-cases/manage-keys.ts';

export const makeHandler = defineHandler({
  route: 'sdk-keys-revoke',
  params: z.object({ id: z.string().regex(/^[0-9a-f]{12}$/, 'A key id is 12 hexadecimal characters, as listed.') }),
  run: async (deps, { params }) => ({ body: await revokeSdkKey(deps, params.id) }),
});

export const handler = makeHandler(lambdaDeps);

import * as z from 'zod';
import { lambdaDeps } from '../composition.ts';
import { keySchema, visitorIdSchema } from '../domain/index.ts';
import { defineHandler } from '../http/http-handler.ts';
import { assignVisitor } from '../use-cases/assign-visitor.ts';

const attributeValue = z.union([z.string().max(2_048), z.number().finite(), z.boolean(), z.null()]);

export const makeHandler = defineHandler({
  route: 'assign',
  body: z.strictObject({
    visitor: visitorIdSchema,
    experiments: z.array(keySchema).max(50).optional(),
    attributes: z.record(z.string().max(64), attributeValue).refine((value) => Object.keys(value).length <= 50, 'At most 50 attributes.').optional(),
  }),
  run: async (deps, { body }) => ({ body: await assignVisitor(deps, body) }),
});

export const handler = makeHandler(lambdaDeps);

import { lambdaDeps } from '../composition.ts';
import { eventsEnvelopeSchema } from '../domain/index.ts';
import { defineHandler } from '../http/http-handler.ts';
import { recordEvents } from '../use-cases/record-events.ts';

export const makeHandler = defineHandler({
  route: 'events',
  body: eventsEnvelopeSchema,
  run: async (deps, { body }) => ({ body: await recordEvents(deps, body.events) }),
});

export const handler = makeHandler(lambdaDeps);

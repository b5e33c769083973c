import * as z from 'zod';
import { currencySchema, keySchema } from './experiment.ts';

export const MAX_EVENTS_PER_REQUEST = 100;
/** Largest revenue one conversion may carry, in minor units (10 million in currency units). */
export const MAX_REVENUE_MINOR = 1_000_000_000;

/** Random first-party ids or a site's own user ids: printable ASCII, no spaces. */
export const visitorIdSchema = z.string().regex(/^[\x21-\x7E]{1,128}$/, 'A visitor id is 1–128 printable ASCII characters without spaces.');

export const eventContextSchema = z.object({
  url: z.string().max(2_048).optional(),
  referrer: z.string().max(2_048).optional(),
  utm_source: z.string().max(200).optional(),
  utm_medium: z.string().max(200).optional(),
  utm_campaign: z.string().max(200).optional(),
  device: z.enum(['desktop', 'mobile', 'tablet', 'other']).optional(),
});

const baseEvent = {
  /** Client-generated UUID: the idempotency key. */
  id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'An event id is 8–64 letters, digits, "-" or "_" (a UUID).'),
  experiment: keySchema,
  variant: keySchema,
  visitor: visitorIdSchema,
  ts: z.number().int('ts is an integer: milliseconds since the epoch.').positive(),
  /** Optional: the phase the client assigned in; an event from an older phase is refused. */
  phase: z.number().int().min(1).optional(),
  context: eventContextSchema.optional(),
};

export const exposureEventSchema = z.object({ ...baseEvent, type: z.literal('exposure') });

export const conversionEventSchema = z.object({
  ...baseEvent,
  type: z.literal('conversion'),
  goal: keySchema,
  revenue: z
    .number()
    .int('revenue is an integer amount in minor units (cents).')
    .min(0, 'revenue cannot be negative.')
    .max(MAX_REVENUE_MINOR, `revenue may be at most ${MAX_REVENUE_MINOR} minor units.`)
    .optional(),
  currency: currencySchema.optional(),
});

export const abandonmentEventSchema = z.object({
  ...baseEvent,
  type: z.literal('abandonment'),
  stage: keySchema,
  reason: z.string().max(200).optional(),
});

export const trackedEventSchema = z.discriminatedUnion('type', [exposureEventSchema, conversionEventSchema, abandonmentEventSchema]);

/** The envelope is checked first; each event is then parsed alone so one bad event rejects only itself. */
export const eventsEnvelopeSchema = z.object({
  events: z.array(z.unknown()).min(1, 'Send at least one event.').max(MAX_EVENTS_PER_REQUEST, `Send at most ${MAX_EVENTS_PER_REQUEST} events per request.`),
});

export type TrackedEvent = z.output<typeof trackedEventSchema>;
export type ExposureEvent = z.output<typeof exposureEventSchema>;
export type ConversionEvent = z.output<typeof conversionEventSchema>;
export type AbandonmentEvent = z.output<typeof abandonmentEventSchema>;
export type EventContext = z.output<typeof eventContextSchema>;

/** Why an event was refused; stable strings clients can switch on. */
export type RejectionReason =
  | 'invalid_event'
  | 'unknown_experiment'
  | 'experiment_not_running'
  | 'stale_phase'
  | 'unknown_variant'
  | 'variant_mismatch'
  | 'not_included'
  | 'unknown_goal'
  | 'unknown_stage'
  | 'revenue_not_tracked'
  | 'currency_mismatch'
  | 'not_exposed'
  | 'timestamp_out_of_range'
  | 'visitor_event_limit';

export interface Rejection {
  index: number;
  reason: RejectionReason;
  message: string;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: Rejection[];
}

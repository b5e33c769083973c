import * as z from 'zod';
import type { ExperimentConfig } from '@upshot/sdk/config';
import { validationError } from './errors.ts';

/** Experiment, variant, goal and stage keys: short, URL- and key-safe. */
export const keySchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'Use 1–64 letters, digits, "-" or "_", starting with a letter or digit.');

const moneySchema = z.number().finite().min(0).max(1e12);

/** The offer presentation a variant shows: headline, price text, badge, call to action, … as free JSON. */
export const payloadSchema = z
  .record(z.string().max(64), z.unknown())
  .refine((payload) => JSON.stringify(payload).length <= 8_192, 'A variant payload may hold at most 8 KB of JSON.');

export const variantSchema = z.strictObject({
  key: keySchema,
  name: z.string().trim().min(1).max(120).optional(),
  weight: z.number().finite().gt(0, 'A weight must be greater than 0.').lte(1),
  control: z.boolean().default(false),
  payload: payloadSchema.default({}),
});

export const targetingRuleSchema = z.strictObject({
  attribute: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'Name an attribute such as url, device, country, language, utm_source.'),
  operator: z.enum(['equals', 'not_equals', 'contains', 'not_contains', 'starts_with', 'ends_with']),
  values: z.array(z.string().max(512)).min(1).max(100),
});

export const goalSchema = z.strictObject({
  key: keySchema,
  name: z.string().trim().min(1).max(120).optional(),
  primary: z.boolean().default(false),
  revenue: z.boolean().default(false),
});

/** Marketing cost of showing a variant, in currency units (not minor units). */
export const costsSchema = z.strictObject({
  fixed: moneySchema.default(0),
  perVisitor: moneySchema.default(0),
  perConversion: moneySchema.default(0),
  revenueShare: z.number().finite().min(0).max(1).default(0),
});

export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'Use an ISO 4217 code such as EUR or USD.');

/** The editable fields, without defaults: a patch must change only what it names. */
const editableFields = {
  name: z.string().trim().min(1).max(200),
  hypothesis: z.string().trim().max(2_000).optional(),
  variants: z.array(variantSchema).min(2, 'An experiment needs at least two variants.').max(10),
  coverage: z.number().finite().min(0).max(1),
  targeting: z.array(targetingRuleSchema).max(20),
  goals: z.array(goalSchema).min(1, 'An experiment needs at least one goal.').max(10),
  stages: z.array(keySchema).max(10),
  costs: z.record(keySchema, costsSchema),
  margin: z.number().finite().min(0).max(1),
  currency: currencySchema,
};

/** On create, what a marketer leaves out gets a sensible default. */
const experimentFields = {
  ...editableFields,
  coverage: editableFields.coverage.default(1),
  targeting: editableFields.targeting.default([]),
  stages: editableFields.stages.default([]),
  costs: editableFields.costs.default({}),
  margin: editableFields.margin.default(1),
  currency: editableFields.currency.default('EUR'),
};

type Fields = z.infer<z.ZodObject<typeof experimentFields>>;

/** Cross-field rules every experiment definition obeys, whether created or edited. */
function checkDefinition(definition: Fields, context: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => context.addIssue({ code: 'custom', path, message });

  const variantKeys = definition.variants.map((variant) => variant.key);
  variantKeys.forEach((key, index) => {
    if (variantKeys.indexOf(key) !== index) issue(['variants', index, 'key'], `Variant key "${key}" is used twice.`);
  });
  const weightSum = definition.variants.reduce((sum, variant) => sum + variant.weight, 0);
  if (Math.abs(weightSum - 1) > 1e-6) issue(['variants'], `Variant weights must add up to 1 (they add up to ${+weightSum.toFixed(6)}).`);
  const controls = definition.variants.filter((variant) => variant.control).length;
  if (controls > 1) issue(['variants'], 'Mark exactly one variant as the control.');

  const goalKeys = definition.goals.map((goal) => goal.key);
  goalKeys.forEach((key, index) => {
    if (goalKeys.indexOf(key) !== index) issue(['goals', index, 'key'], `Goal key "${key}" is used twice.`);
  });
  if (definition.goals.filter((goal) => goal.primary).length > 1) issue(['goals'], 'Mark exactly one goal as primary.');

  definition.stages.forEach((stage, index) => {
    if (definition.stages.indexOf(stage) !== index) issue(['stages', index], `Stage "${stage}" is listed twice.`);
  });
  for (const variantKey of Object.keys(definition.costs)) {
    if (!variantKeys.includes(variantKey)) issue(['costs', variantKey], `Costs name variant "${variantKey}", which the experiment does not have.`);
  }
}

/** The first variant is the control and the first goal is primary unless the marketer says otherwise. */
function withDefaults<T extends Fields>(definition: T): T {
  const hasControl = definition.variants.some((variant) => variant.control);
  const hasPrimary = definition.goals.some((goal) => goal.primary);
  return {
    ...definition,
    variants: definition.variants.map((variant, index) => ({ ...variant, control: hasControl ? variant.control : index === 0 })),
    goals: definition.goals.map((goal, index) => ({ ...goal, primary: hasPrimary ? goal.primary : index === 0 })),
  };
}

/** What a marketer sends to create an experiment. */
export const newExperimentSchema = z
  .strictObject({ key: keySchema, ...experimentFields })
  .superRefine(checkDefinition)
  .transform(withDefaults);

/** What a marketer sends to edit a draft: any subset of the fields, never the key. */
export const experimentPatchSchema = z.strictObject(editableFields).partial();

/** What "new phase" may change while an experiment runs: weights, variants, coverage, targeting. */
export const phaseChangeSchema = z
  .strictObject({
    variants: editableFields.variants.optional(),
    coverage: editableFields.coverage.optional(),
    targeting: editableFields.targeting.optional(),
  })
  .default({});

export const experimentStatuses = ['draft', 'running', 'paused', 'stopped', 'archived'] as const;
export type ExperimentStatus = (typeof experimentStatuses)[number];

export const phaseSchema = z.strictObject({
  phase: z.number().int().min(1),
  seed: z.string(),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  variants: z.array(z.strictObject({ key: z.string(), weight: z.number() })),
  coverage: z.number(),
});

export type NewExperiment = z.output<typeof newExperimentSchema>;
export type ExperimentDefinition = Omit<NewExperiment, 'key'>;
export type ExperimentPatch = z.output<typeof experimentPatchSchema>;
export type PhaseChange = z.output<typeof phaseChangeSchema>;
export type Phase = z.output<typeof phaseSchema>;
export type Variant = z.output<typeof variantSchema>;
export type Goal = z.output<typeof goalSchema>;
export type Costs = z.output<typeof costsSchema>;

export interface Experiment extends NewExperiment {
  status: ExperimentStatus;
  /** 0 while a draft; 1 from launch; +1 on each "new phase". */
  phase: number;
  seed: string;
  phases: Phase[];
  /** Optimistic-concurrency version, bumped on every write. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Validates a complete definition after a patch or a phase change, with the same messages as on create. */
export function parseDefinition(key: string, definition: unknown): NewExperiment {
  const parsed = newExperimentSchema.safeParse({ ...(definition as object), key });
  if (!parsed.success) throw validationError('experiment', parsed.error.issues);
  return parsed.data;
}

export function primaryGoal(experiment: Pick<Experiment, 'goals'>): Goal {
  return experiment.goals.find((goal) => goal.primary) ?? (experiment.goals[0] as Goal);
}

export function controlVariant(experiment: Pick<Experiment, 'variants'>): Variant {
  return experiment.variants.find((variant) => variant.control) ?? (experiment.variants[0] as Variant);
}

/** The public shape served by `GET /v1/config` and passed to the shared `assign`. */
export function toExperimentConfig(experiment: Experiment): ExperimentConfig {
  return {
    key: experiment.key,
    phase: experiment.phase,
    seed: experiment.seed,
    hashVersion: 1,
    coverage: experiment.coverage,
    variants: experiment.variants.map((variant) => ({
      key: variant.key,
      weight: variant.weight,
      control: variant.control,
      payload: variant.payload,
    })),
    targeting: experiment.targeting,
    goals: experiment.goals.map((goal) => ({ key: goal.key, primary: goal.primary, revenue: goal.revenue })),
    stages: experiment.stages,
    currency: experiment.currency,
  };
}

import type { Experiment, NewExperiment, ValidationIssue } from './api-types.ts';
import { offerFields, type OfferField } from './offer.ts';

/**
 * The editor's form state and its translation to and from the API's experiment shape.
 * Numbers stay strings while being typed; percentages are shown as 0–100 and sent as 0–1.
 * The API validates; this module only converts (and reports a payload that is not JSON).
 */

export interface VariantDraft {
  key: string;
  name: string;
  /** percent, as typed */
  weight: string;
  control: boolean;
  mode: 'fields' | 'json';
  fields: Record<OfferField, string>;
  json: string;
}

export interface CostsDraft {
  fixed: string;
  perVisitor: string;
  perConversion: string;
  /** percent */
  revenueShare: string;
}

export interface Draft {
  key: string;
  name: string;
  hypothesis: string;
  variants: VariantDraft[];
  /** per variant, aligned with `variants` */
  costs: CostsDraft[];
  coverage: string;
  targeting: { attribute: string; operator: string; values: string }[];
  goals: { key: string; name: string; primary: boolean; revenue: boolean }[];
  stages: string;
  margin: string;
  currency: string;
}

const emptyFields = (): Record<OfferField, string> => Object.fromEntries(offerFields.map((field) => [field, ''])) as Record<OfferField, string>;
export const emptyCosts = (): CostsDraft => ({ fixed: '0', perVisitor: '0', perConversion: '0', revenueShare: '0' });

export function newVariant(index: number, weight: string): VariantDraft {
  return { key: String.fromCharCode(65 + index), name: '', weight, control: index === 0, mode: 'fields', fields: emptyFields(), json: '{}' };
}

export function emptyDraft(): Draft {
  return {
    key: '',
    name: '',
    hypothesis: '',
    variants: [newVariant(0, '50'), newVariant(1, '50')],
    costs: [emptyCosts(), emptyCosts()],
    coverage: '100',
    targeting: [],
    goals: [{ key: 'purchase', name: '', primary: true, revenue: true }],
    stages: '',
    margin: '100',
    currency: 'EUR',
  };
}

const percent = (fraction: number) => String(Math.round(fraction * 1_000_000) / 10_000);

export function fromExperiment(experiment: Experiment): Draft {
  return {
    key: experiment.key,
    name: experiment.name,
    hypothesis: experiment.hypothesis ?? '',
    variants: experiment.variants.map((variant) => {
      const payload = variant.payload ?? {};
      const simple = Object.entries(payload).every(
        ([field, value]) => (offerFields as readonly string[]).includes(field) && (typeof value === 'string' || value === null),
      );
      const fields = emptyFields();
      if (simple) for (const field of offerFields) fields[field] = typeof payload[field] === 'string' ? (payload[field] as string) : '';
      return {
        key: variant.key,
        name: variant.name ?? '',
        weight: percent(variant.weight),
        control: variant.control,
        mode: simple ? 'fields' : 'json',
        fields,
        json: JSON.stringify(payload, null, 2),
      };
    }),
    costs: experiment.variants.map((variant) => {
      const costs = experiment.costs[variant.key];
      return costs
        ? { fixed: String(costs.fixed ?? 0), perVisitor: String(costs.perVisitor ?? 0), perConversion: String(costs.perConversion ?? 0), revenueShare: percent(costs.revenueShare ?? 0) }
        : emptyCosts();
    }),
    coverage: percent(experiment.coverage),
    targeting: experiment.targeting.map((rule) => ({ attribute: rule.attribute, operator: rule.operator, values: rule.values.join(', ') })),
    goals: experiment.goals.map((goal) => ({ key: goal.key, name: goal.name ?? '', primary: goal.primary, revenue: goal.revenue })),
    stages: experiment.stages.join(', '),
    margin: percent(experiment.margin),
    currency: experiment.currency,
  };
}

/** A typed number: empty means `fallback`, anything unreadable stays NaN so the API names the field. */
function number(text: string, fallback?: number): number {
  const trimmed = text.trim().replace(',', '.');
  if (trimmed === '' && fallback !== undefined) return fallback;
  return trimmed === '' ? Number.NaN : Number(trimmed);
}

const fraction = (text: string, fallback?: number) => {
  const value = number(text, fallback === undefined ? undefined : fallback * 100);
  return Number.isNaN(value) ? value : Math.round(value * 10_000) / 1_000_000;
};

const list = (text: string) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** The payload a variant sends: the offer fields that are filled in, or the parsed JSON. */
export function payloadOf(variant: VariantDraft): { payload: Record<string, unknown> } | { error: 'json' } {
  if (variant.mode === 'json') {
    try {
      const parsed: unknown = JSON.parse(variant.json || '{}');
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { error: 'json' };
      return { payload: parsed as Record<string, unknown> };
    } catch {
      return { error: 'json' };
    }
  }
  return { payload: Object.fromEntries(offerFields.filter((field) => variant.fields[field].trim()).map((field) => [field, variant.fields[field].trim()])) };
}

/**
 * The create (or patch) body for a draft, and issues found before sending (payloads that are
 * not JSON objects), with the same `path` convention as the API's.
 */
export function toRequest(draft: Draft, jsonMessage: string): { body: NewExperiment; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const variants = draft.variants.map((variant, index) => {
    const payload = payloadOf(variant);
    if ('error' in payload) issues.push({ path: `variants.${index}.payload`, message: jsonMessage });
    return {
      key: variant.key.trim(),
      ...(variant.name.trim() ? { name: variant.name.trim() } : {}),
      weight: fraction(variant.weight),
      control: variant.control,
      payload: 'payload' in payload ? payload.payload : {},
    };
  });
  const costs = Object.fromEntries(
    draft.variants.flatMap((variant, index) => {
      const cost = draft.costs[index] ?? emptyCosts();
      const values = {
        fixed: number(cost.fixed, 0),
        perVisitor: number(cost.perVisitor, 0),
        perConversion: number(cost.perConversion, 0),
        revenueShare: fraction(cost.revenueShare, 0),
      };
      const any = Object.values(values).some((value) => value !== 0);
      return any ? [[variant.key.trim(), values]] : [];
    }),
  );
  const body = {
    key: draft.key.trim(),
    name: draft.name.trim(),
    ...(draft.hypothesis.trim() ? { hypothesis: draft.hypothesis.trim() } : {}),
    variants,
    coverage: fraction(draft.coverage),
    targeting: draft.targeting.map((rule) => ({ attribute: rule.attribute.trim(), operator: rule.operator, values: list(rule.values) })),
    goals: draft.goals.map((goal) => ({ key: goal.key.trim(), ...(goal.name.trim() ? { name: goal.name.trim() } : {}), primary: goal.primary, revenue: goal.revenue })),
    stages: list(draft.stages),
    costs,
    margin: fraction(draft.margin),
    currency: draft.currency.trim().toUpperCase(),
  } as NewExperiment;
  return { body, issues };
}

/** Weights split as evenly as the API's 1e-6 tolerance allows, in percent with four decimals. */
export function evenWeights(count: number): string[] {
  const share = Math.floor((100 / count) * 10_000) / 10_000;
  const weights = Array.from({ length: count }, () => share);
  weights[0] = Math.round((100 - share * (count - 1)) * 10_000) / 10_000;
  return weights.map(String);
}

/** Sum of the typed weights, in percent. */
export function weightTotal(draft: Draft): number {
  return draft.variants.reduce((sum, variant) => sum + (number(variant.weight, 0) || 0), 0);
}

/** `variants.1.weight` → `f-variants-1-weight`: the id of the input an issue belongs to. */
export function fieldId(path: string): string {
  return `f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

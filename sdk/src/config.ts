/**
 * The experiment configuration exactly as `GET /v1/config` returns it. The server
 * builds it from the stored experiment; the SDK and the server both pass it to `assign`.
 */
export interface ExperimentConfig {
  key: string;
  /** Bumped by "new phase"; results and stickiness are per phase. */
  phase: number;
  /** Random per phase: a new phase re-randomizes every visitor. */
  seed: string;
  /** Version of the bucketing hash, so it can change without moving running experiments. */
  hashVersion: 1;
  /** Share of eligible visitors included, 0..1. Independent of the variant choice. */
  coverage: number;
  variants: VariantConfig[];
  /** All rules must match (AND); a rule matches when any of its values does (OR); case-insensitive. */
  targeting: TargetingRule[];
  goals: { key: string; primary: boolean; revenue: boolean }[];
  stages: string[];
  currency?: string;
}

export interface VariantConfig {
  key: string;
  /** Weights of an experiment's variants add up to 1. */
  weight: number;
  control: boolean;
  payload: Record<string, unknown>;
}

export type TargetingOperator =
  | 'equals'
  | 'not_equals'
  | 'contains'
  | 'not_contains'
  | 'starts_with'
  | 'ends_with';

export interface TargetingRule {
  /** url, device, country, language, utm_source, utm_medium, utm_campaign or a custom attribute name. */
  attribute: string;
  operator: TargetingOperator;
  values: string[];
}

export type Attributes = Record<string, string | number | boolean | null | undefined>;

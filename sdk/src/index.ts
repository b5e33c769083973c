/**
 * Upshot browser SDK (ESM entry): deterministic local assignment, flicker-free offers, and
 * exposure/conversion/abandonment tracking that survives page exits and offline spells.
 */
export { createUpshot } from './create-upshot.ts';
export type { ConversionDetails, EventContext, Upshot, UpshotEvent, UpshotOptions, Variant } from './types.ts';
export type { Attributes, ExperimentConfig, TargetingRule, VariantConfig } from './config.ts';

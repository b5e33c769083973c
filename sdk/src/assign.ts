import type { Attributes, ExperimentConfig } from './config.ts';
import { BUCKETS, FNV_OFFSET_BASIS, FNV_PRIME, HASH_VERSION, bucket, fmix32, fnv1a, hash } from './hash.ts';
import { matchesTargeting } from './targeting.ts';

export { BUCKETS, HASH_VERSION, bucket, hash, matchesTargeting };

const INCLUSION_SALT = ':inc:';
const VARIANT_SALT = ':var:';

/**
 * The FNV states after `seed + ":inc:"` and `seed + ":var:"` for the last seed seen. A
 * page or a batch assigns many visitors to the same experiment, so this skips a third of
 * the hashing; keyed by the seed string itself, so it is never stale.
 */
let primedSeed: string | undefined;
let primedInclusion = 0;
let primedVariant = 0;

function prime(seed: string): void {
  if (seed === primedSeed) return;
  const seeded = fnv1a(FNV_OFFSET_BASIS, seed);
  primedInclusion = fnv1a(seeded, INCLUSION_SALT);
  primedVariant = fnv1a(seeded, VARIANT_SALT);
  primedSeed = seed;
}

/**
 * The variant `visitorId` sees in the experiment `config`, or null when the visitor is
 * not in it: not targeted, not covered, or anything malformed (see the validity rules in
 * hash.ts). The same inputs give the same answer in every runtime. Never throws.
 *
 * Hot path: nothing is allocated when there is no targeting. `seed + salt + visitorId`
 * is hashed piece by piece instead of being concatenated: the seed and salts once per
 * seed (see `prime`), the visitor id in one loop that advances the inclusion and the
 * variant hash together (two independent multiply chains the CPU overlaps).
 */
export function assign(
  config: ExperimentConfig,
  visitorId: string,
  attributes?: Attributes | null,
): string | null {
  try {
    if (!isUsable(config, visitorId)) return null;
    if (!matchesTargeting(config.targeting, attributes)) return null;
    const threshold = coverageThreshold(config.coverage);
    if (threshold === 0) return null;
    prime(config.seed);
    let inclusion = primedInclusion;
    let variant = primedVariant;
    for (let i = 0, length = visitorId.length; i < length; i++) {
      const unit = visitorId.charCodeAt(i);
      inclusion = Math.imul(inclusion ^ unit, FNV_PRIME);
      variant = Math.imul(variant ^ unit, FNV_PRIME);
    }
    if (fmix32(inclusion) % BUCKETS >= threshold) return null;
    return variantAt(config.variants, fmix32(variant) % BUCKETS);
  } catch {
    return null;
  }
}

/**
 * The variant `visitorId` would see, ignoring coverage and targeting: the server's tamper
 * guard compares it with the variant an event claims. Null when malformed. Never throws.
 */
export function chooseVariant(config: ExperimentConfig, visitorId: string): string | null {
  try {
    if (!isUsable(config, visitorId)) return null;
    prime(config.seed);
    return variantAt(config.variants, fmix32(fnv1a(primedVariant, visitorId)) % BUCKETS);
  } catch {
    return null;
  }
}

/**
 * Whether `visitorId` falls within the experiment's coverage, ignoring targeting and
 * variants. False when malformed. Never throws.
 */
export function isIncluded(config: ExperimentConfig, visitorId: string): boolean {
  try {
    if (!isUsable(config, visitorId)) return false;
    const threshold = coverageThreshold(config.coverage);
    if (threshold === 0) return false;
    prime(config.seed);
    return fmix32(fnv1a(primedInclusion, visitorId)) % BUCKETS < threshold;
  } catch {
    return false;
  }
}

function isUsable(config: unknown, visitorId: unknown): boolean {
  return (
    typeof visitorId === 'string' &&
    visitorId.length > 0 &&
    typeof config === 'object' &&
    config !== null &&
    (config as ExperimentConfig).hashVersion === HASH_VERSION &&
    typeof (config as ExperimentConfig).seed === 'string'
  );
}

/** Buckets below the threshold are included; 0 (no one) for malformed coverage. */
function coverageThreshold(coverage: unknown): number {
  if (typeof coverage !== 'number' || !(coverage >= 0 && coverage <= 1)) return 0;
  return Math.round(coverage * BUCKETS);
}

/** The first variant whose cumulative boundary exceeds `target`; null unless all are valid. */
function variantAt(variants: unknown, target: number): string | null {
  if (!Array.isArray(variants) || variants.length === 0) return null;
  const last = variants.length - 1;
  let total = 0;
  let chosen: string | null = null;
  for (let i = 0; i <= last; i++) {
    const variant: unknown = variants[i];
    if (typeof variant !== 'object' || variant === null) return null;
    const { key, weight } = variant as { key: unknown; weight: unknown };
    if (typeof key !== 'string' || key.length === 0) return null;
    if (typeof weight !== 'number' || !(weight >= 0) || weight === Infinity) return null;
    total += weight;
    const boundary = i === last ? BUCKETS : Math.round(total * BUCKETS);
    if (chosen === null && boundary > target) chosen = key;
  }
  return Math.round(total * BUCKETS) === BUCKETS ? chosen : null;
}

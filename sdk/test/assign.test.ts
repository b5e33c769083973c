import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HASH_VERSION,
  assign,
  bucket,
  chooseVariant,
  hash,
  isIncluded,
  matchesTargeting,
} from '../src/assign.ts';
import type { Attributes, ExperimentConfig, TargetingRule } from '../src/config.ts';

interface AssignCase {
  name: string;
  config: ExperimentConfig;
  visitor: string;
  attributes?: Attributes;
  expected: string | null;
}

interface Cases {
  generatedBy: string;
  hashVersion: number;
  buckets: number;
  hash: [string, number][];
  bucket: [string, number][];
  assign: AssignCase[];
}

/** Produced by sdk/scripts/make-cases.py, an independent Python implementation of the spec. */
const cases = JSON.parse(readFileSync(new URL('./cases.json', import.meta.url), 'utf8')) as Cases;

/**
 * Upper 0.1% points of the chi-square distribution, from scipy 1.17.1:
 * `scipy.stats.chi2.ppf(0.999, df)`. A statistic below the value passes at p > 0.001.
 */
const CHI_SQUARE_CRITICAL_P001 = {
  1: 10.827566170662733,
  2: 13.815510557964274,
  4: 18.46682695290317,
  9: 27.877164871256568,
} as const;

const SAMPLE_SIZE = 100_000;

/** Pearson's chi-square goodness-of-fit statistic of `observed` counts against expected shares. */
function chiSquareGoodnessOfFit(observed: readonly number[], shares: readonly number[]): number {
  const total = observed.reduce((sum, count) => sum + count, 0);
  return observed.reduce((statistic, count, i) => {
    const expected = total * (shares[i] as number);
    return statistic + (count - expected) ** 2 / expected;
  }, 0);
}

/** Pearson's chi-square statistic of independence of a contingency table's rows and columns. */
function chiSquareIndependence(table: readonly (readonly number[])[]): number {
  const rowTotals = table.map((row) => row.reduce((sum, count) => sum + count, 0));
  const columnTotals = (table[0] as readonly number[]).map((_, j) =>
    table.reduce((sum, row) => sum + (row[j] as number), 0),
  );
  const total = rowTotals.reduce((sum, count) => sum + count, 0);
  let statistic = 0;
  table.forEach((row, i) =>
    row.forEach((count, j) => {
      const expected = ((rowTotals[i] as number) * (columnTotals[j] as number)) / total;
      statistic += (count - expected) ** 2 / expected;
    }),
  );
  return statistic;
}

function experiment(seed: string, weights: readonly number[], overrides: Partial<ExperimentConfig> = {}): ExperimentConfig {
  return {
    key: `exp-${seed}`,
    phase: 1,
    seed,
    hashVersion: 1,
    coverage: 1,
    variants: weights.map((weight, i) => ({ key: `v${i}`, weight, control: i === 0, payload: {} })),
    targeting: [],
    goals: [{ key: 'purchase', primary: true, revenue: true }],
    stages: [],
    ...overrides,
  };
}

function randomVisitors(count: number): string[] {
  // UUID-shaped ids from a fixed SHA-256 stream: random-looking, yet the same every run, so the
  // chi-square tests at p = 0.001 cannot fail by chance on a correct build.
  return Array.from({ length: count }, (_, index) => {
    const hex = createHash('sha256').update(`visitor-${count}-${index}`).digest('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  });
}

function variantCounts(config: ExperimentConfig, visitors: readonly string[]): number[] {
  const counts = config.variants.map(() => 0);
  const index = new Map(config.variants.map((variant, i) => [variant.key, i]));
  for (const visitor of visitors) {
    const key = assign(config, visitor);
    if (key === null) throw new Error(`visitor ${visitor} was not assigned`);
    counts[index.get(key) as number]! += 1;
  }
  return counts;
}

const WEIGHT_SETS = [[0.5, 0.5], [0.1, 0.9], [1 / 3, 1 / 3, 1 / 3], [0.2, 0.3, 0.5]] as const;

describe('cases.json', () => {
  it('holds hash version 1 vectors from the Python reference', () => {
    expect(HASH_VERSION).toBe(1);
    expect(cases.hashVersion).toBe(1);
    expect(cases.buckets).toBe(10_000);
    expect(cases.generatedBy).toContain('sdk/scripts/make-cases.py');
    expect(cases.hash.length).toBeGreaterThanOrEqual(20);
    expect(cases.assign.length).toBeGreaterThanOrEqual(60);
  });

  it.each(cases.hash)('hash(%j) is %i', (input, expected) => {
    expect(hash(input)).toBe(expected);
  });

  it.each(cases.bucket)('bucket(%j) is %i', (input, expected) => {
    expect(bucket(input)).toBe(expected);
  });

  it.each(cases.assign)('assign: $name', ({ config, visitor, attributes, expected }) => {
    expect(assign(config, visitor, attributes)).toBe(expected);
  });

  it('answers every assign vector the same when experiments alternate call by call', () => {
    const interleaved = cases.assign.flatMap((first, i) => [first, cases.assign[cases.assign.length - 1 - i]!]);
    for (const { config, visitor, attributes, expected } of interleaved) {
      expect(assign(config, visitor, attributes)).toBe(expected);
    }
  });
});

describe('hash', () => {
  it('returns the same unsigned 32-bit integer for the same input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (input) => {
        const first = hash(input);
        expect(Number.isInteger(first) && first >= 0 && first <= 0xffffffff).toBe(true);
        expect(hash(input)).toBe(first);
        expect(hash(input.slice())).toBe(first);
      }),
    );
  });

  it('hashes an emoji as its two UTF-16 code units', () => {
    expect(hash('\u{1F600}')).toBe(hash('\uD83D\uDE00'));
    expect(hash('\u{1F600}')).not.toBe(hash('\uD83D'));
  });
});

describe('bucket', () => {
  it('stays within 0..9999', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (input) => {
        const value = bucket(input);
        expect(Number.isInteger(value) && value >= 0 && value < 10_000).toBe(true);
      }),
    );
  });

  it('spreads random visitor ids uniformly over ten deciles', () => {
    const deciles = new Array<number>(10).fill(0);
    for (const visitor of randomVisitors(SAMPLE_SIZE)) {
      deciles[Math.floor(bucket(`seed:var:${visitor}`) / 1000)]! += 1;
    }
    const statistic = chiSquareGoodnessOfFit(deciles, new Array<number>(10).fill(0.1));
    expect(statistic).toBeLessThan(CHI_SQUARE_CRITICAL_P001[9]);
  });
});

describe('assign', () => {
  it('gives the same visitor the same variant on every call', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.uuid(), fc.string({ minLength: 1 })),
        fc.string(),
        fc.constantFrom(...WEIGHT_SETS),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (visitor, seed, weights, coverage) => {
          const config = experiment(seed, weights, { coverage });
          const first = assign(config, visitor);
          expect(assign(config, visitor)).toBe(first);
          expect(assign(structuredClone(config), visitor)).toBe(first);
        },
      ),
    );
  });

  it('splits 0.5/0.5 traffic in proportion to the weights', () => {
    const counts = variantCounts(experiment('uniform-halves', [0.5, 0.5]), randomVisitors(SAMPLE_SIZE));
    expect(chiSquareGoodnessOfFit(counts, [0.5, 0.5])).toBeLessThan(CHI_SQUARE_CRITICAL_P001[1]);
  });

  it('splits 0.2/0.3/0.5 traffic in proportion to the weights', () => {
    const counts = variantCounts(experiment('uniform-thirds', [0.2, 0.3, 0.5]), randomVisitors(SAMPLE_SIZE));
    expect(chiSquareGoodnessOfFit(counts, [0.2, 0.3, 0.5])).toBeLessThan(CHI_SQUARE_CRITICAL_P001[2]);
  });

  it('includes a share of visitors equal to the coverage', () => {
    const config = experiment('coverage-share', [0.5, 0.5], { coverage: 0.37 });
    let included = 0;
    for (const visitor of randomVisitors(SAMPLE_SIZE)) if (assign(config, visitor) !== null) included += 1;
    const statistic = chiSquareGoodnessOfFit([included, SAMPLE_SIZE - included], [0.37, 0.63]);
    expect(statistic).toBeLessThan(CHI_SQUARE_CRITICAL_P001[1]);
  });

  it('chooses variants independently in two experiments', () => {
    const first = experiment('checkout-headline', [0.2, 0.3, 0.5]);
    const second = experiment('price-display', [1 / 3, 1 / 3, 1 / 3]);
    const table = [0, 1, 2].map(() => [0, 0, 0]);
    for (const visitor of randomVisitors(SAMPLE_SIZE)) {
      const row = Number((assign(first, visitor) as string).slice(1));
      const column = Number((assign(second, visitor) as string).slice(1));
      table[row]![column]! += 1;
    }
    expect(chiSquareIndependence(table)).toBeLessThan(CHI_SQUARE_CRITICAL_P001[4]);
  });

  it('chooses the variant independently of inclusion', () => {
    const config = experiment('inclusion-vs-variant', [0.5, 0.5], { coverage: 0.5 });
    const table = [
      [0, 0],
      [0, 0],
    ];
    for (const visitor of randomVisitors(SAMPLE_SIZE)) {
      const row = isIncluded(config, visitor) ? 1 : 0;
      const column = chooseVariant(config, visitor) === 'v0' ? 0 : 1;
      table[row]![column]! += 1;
    }
    expect(chiSquareIndependence(table)).toBeLessThan(CHI_SQUARE_CRITICAL_P001[1]);
  });

  it('never moves an included visitor when coverage rises from 0.1 to 0.5 to 1', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.uuid(), fc.string({ minLength: 1 })),
        fc.string(),
        fc.constantFrom(...WEIGHT_SETS),
        (visitor, seed, weights) => {
          const [low, middle, full] = [0.1, 0.5, 1].map((coverage) =>
            assign(experiment(seed, weights, { coverage }), visitor),
          );
          if (low !== null) expect(middle).toBe(low);
          if (middle !== null) expect(full).toBe(middle);
          expect(full).not.toBeNull();
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('never moves an included visitor when coverage rises by any amount', () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.string(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (visitor, seed, a, b) => {
          const lower = assign(experiment(seed, [0.2, 0.3, 0.5], { coverage: Math.min(a, b) }), visitor);
          const higher = assign(experiment(seed, [0.2, 0.3, 0.5], { coverage: Math.max(a, b) }), visitor);
          if (lower !== null) expect(higher).toBe(lower);
        },
      ),
    );
  });

  it('answers the chosen variant exactly when the visitor is targeted and included', () => {
    const rules: TargetingRule[] = [{ attribute: 'device', operator: 'equals', values: ['mobile'] }];
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom('mobile', 'desktop'),
        (visitor, coverage, device) => {
          const config = experiment('consistency', [0.2, 0.3, 0.5], { coverage, targeting: rules });
          const expected =
            device === 'mobile' && isIncluded(config, visitor) ? chooseVariant(config, visitor) : null;
          expect(assign(config, visitor, { device })).toBe(expected);
        },
      ),
    );
  });

  it('returns null when targeting rules exist and attributes are missing', () => {
    const config = experiment('no-attributes', [0.5, 0.5], {
      targeting: [{ attribute: 'country', operator: 'equals', values: ['de'] }],
    });
    expect(assign(config, 'visitor-1')).toBeNull();
    expect(assign(config, 'visitor-1', null)).toBeNull();
  });

  it('ignores attributes when there are no targeting rules', () => {
    const config = experiment('no-rules', [0.5, 0.5]);
    expect(assign(config, 'visitor-1', { country: 'de' })).toBe(assign(config, 'visitor-1'));
    expect(assign(config, 'visitor-1')).not.toBeNull();
  });
});

describe('chooseVariant', () => {
  it('ignores coverage and targeting', () => {
    const open = experiment('tamper-guard', [0.5, 0.5]);
    const closed = experiment('tamper-guard', [0.5, 0.5], {
      coverage: 0,
      targeting: [{ attribute: 'country', operator: 'equals', values: ['de'] }],
    });
    for (const visitor of ['visitor-1', 'visitor-2', 'visitor-3', 'visitor-4']) {
      expect(assign(closed, visitor)).toBeNull();
      expect(chooseVariant(closed, visitor)).toBe(assign(open, visitor));
    }
  });

  it('returns null for an empty visitor id or no variants', () => {
    expect(chooseVariant(experiment('x', [0.5, 0.5]), '')).toBeNull();
    expect(chooseVariant(experiment('x', []), 'visitor-1')).toBeNull();
  });
});

describe('isIncluded', () => {
  it('includes everyone at coverage 1 and no one at coverage 0', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.string(), (visitor, seed) => {
        expect(isIncluded(experiment(seed, [0.5, 0.5], { coverage: 1 }), visitor)).toBe(true);
        expect(isIncluded(experiment(seed, [0.5, 0.5], { coverage: 0 }), visitor)).toBe(false);
      }),
    );
  });

  it('ignores targeting and variants', () => {
    const config = experiment('inclusion-only', [0.4, 0.4], {
      targeting: [{ attribute: 'country', operator: 'equals', values: ['de'] }],
    });
    expect(isIncluded(config, 'visitor-1')).toBe(true);
    expect(assign(config, 'visitor-1', { country: 'de' })).toBeNull();
  });

  it('returns false for malformed coverage', () => {
    for (const coverage of [Number.NaN, -0.1, 1.5, Infinity, '0.5', null]) {
      const config = experiment('bad-coverage', [0.5, 0.5], { coverage: coverage as number });
      expect(isIncluded(config, 'visitor-1')).toBe(false);
    }
  });
});

describe('matchesTargeting', () => {
  const attributes: Attributes = {
    url: 'https://shop.example.com/Offers/Spring',
    country: 'DE',
    device: 'mobile',
    visits: 3,
    member: false,
    language: null,
  };
  const rule = (attribute: string, operator: TargetingRule['operator'], ...values: string[]): TargetingRule[] => [
    { attribute, operator, values },
  ];

  it.each([
    ['equals', 'country', ['de'], true],
    ['equals', 'country', ['fr', 'at'], false],
    ['equals', 'country', ['d'], false],
    ['not_equals', 'country', ['fr', 'at'], true],
    ['not_equals', 'country', ['fr', 'de'], false],
    ['contains', 'url', ['/offers/'], true],
    ['contains', 'url', ['/cart'], false],
    ['not_contains', 'url', ['/cart', '/checkout'], true],
    ['not_contains', 'url', ['/cart', 'spring'], false],
    ['starts_with', 'url', ['https://shop'], true],
    ['starts_with', 'url', ['shop.example'], false],
    ['ends_with', 'url', ['/spring'], true],
    ['ends_with', 'url', ['/offers'], false],
  ] as const)('%s on %s with %j is %s', (operator, attribute, values, expected) => {
    expect(matchesTargeting(rule(attribute, operator, ...values), attributes)).toBe(expected);
  });

  it('matches a positive operator when any of its values matches', () => {
    expect(matchesTargeting(rule('device', 'equals', 'desktop', 'tablet', 'mobile'), attributes)).toBe(true);
  });

  it('compares case-insensitively on both sides', () => {
    expect(matchesTargeting(rule('country', 'equals', 'De'), attributes)).toBe(true);
    expect(matchesTargeting(rule('url', 'contains', 'OFFERS/SPRING'), attributes)).toBe(true);
    expect(matchesTargeting(rule('city', 'equals', 'münchen'), { city: 'MÜNCHEN' })).toBe(true);
    expect(matchesTargeting(rule('country', 'not_equals', 'de'), attributes)).toBe(false);
  });

  it('compares numbers and booleans by their string form', () => {
    expect(matchesTargeting(rule('visits', 'equals', '3'), attributes)).toBe(true);
    expect(matchesTargeting(rule('member', 'equals', 'FALSE'), attributes)).toBe(true);
  });

  it('fails positive operators and passes negative ones on a missing or null attribute', () => {
    for (const name of ['language', 'utm_source', 'toString']) {
      expect(matchesTargeting(rule(name, 'equals', 'de'), attributes)).toBe(false);
      expect(matchesTargeting(rule(name, 'contains', 'de'), attributes)).toBe(false);
      expect(matchesTargeting(rule(name, 'starts_with', ''), attributes)).toBe(false);
      expect(matchesTargeting(rule(name, 'ends_with', ''), attributes)).toBe(false);
      expect(matchesTargeting(rule(name, 'not_equals', 'de'), attributes)).toBe(true);
      expect(matchesTargeting(rule(name, 'not_contains', ''), attributes)).toBe(true);
    }
  });

  it('treats every attribute as missing when attributes are absent', () => {
    expect(matchesTargeting(rule('country', 'equals', 'de'), undefined)).toBe(false);
    expect(matchesTargeting(rule('country', 'not_equals', 'de'), null)).toBe(true);
  });

  it('requires every rule to match', () => {
    const both: TargetingRule[] = [...rule('country', 'equals', 'de'), ...rule('device', 'equals', 'mobile')];
    const one: TargetingRule[] = [...rule('country', 'equals', 'de'), ...rule('device', 'equals', 'desktop')];
    expect(matchesTargeting(both, attributes)).toBe(true);
    expect(matchesTargeting(one, attributes)).toBe(false);
  });

  it('matches everyone when there are no rules', () => {
    expect(matchesTargeting([], attributes)).toBe(true);
    expect(matchesTargeting([], undefined)).toBe(true);
    expect(matchesTargeting(undefined, undefined)).toBe(true);
  });

  it('does not match malformed rules', () => {
    const junk = [
      'country=de',
      [null],
      [{ attribute: 'country', operator: 'like', values: ['de'] }],
      [{ attribute: 'country', operator: 'equals', values: 'de' }],
      [{ attribute: 'visits', operator: 'equals', values: [3] }],
      [{ attribute: 7, operator: 'not_equals', values: [] }],
    ];
    for (const rules of junk) {
      expect(matchesTargeting(rules as unknown as TargetingRule[], attributes)).toBe(false);
    }
  });
});

describe('assign on junk input', () => {
  const anything = fc.anything({
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withNullPrototype: true,
    withObjectString: true,
    withSet: true,
    withSparseArray: true,
    withTypedArray: true,
  });
  const junkConfig = fc.record(
    {
      seed: fc.oneof(fc.string(), anything),
      hashVersion: fc.oneof(fc.constant(1), anything),
      coverage: fc.oneof(fc.double(), anything),
      variants: fc.oneof(
        fc.array(
          fc.record(
            { key: fc.oneof(fc.string(), anything), weight: fc.oneof(fc.double(), anything) },
            { requiredKeys: [] },
          ),
        ),
        anything,
      ),
      targeting: fc.oneof(
        fc.array(
          fc.record(
            {
              attribute: fc.oneof(fc.constantFrom('country', 'url', 'toString', '__proto__'), anything),
              operator: fc.oneof(fc.constantFrom('equals', 'not_equals', 'contains', 'not_contains'), anything),
              values: fc.oneof(fc.array(fc.string()), anything),
            },
            { requiredKeys: [] },
          ),
        ),
        anything,
      ),
    },
    { requiredKeys: [] },
  );

  it('returns null or one of the config variant keys, and never throws', () => {
    fc.assert(
      fc.property(
        fc.oneof(junkConfig, anything),
        anything,
        fc.oneof(anything, fc.dictionary(fc.string(), anything)),
        (config, visitor, attributes) => {
          const run = () => [
            assign(config as ExperimentConfig, visitor as string, attributes as Attributes),
            chooseVariant(config as ExperimentConfig, visitor as string),
            isIncluded(config as ExperimentConfig, visitor as string),
            matchesTargeting((config as { targeting?: TargetingRule[] } | null)?.targeting, attributes as Attributes),
          ];
          expect(run).not.toThrow();
          const [assigned, chosen] = run();
          for (const key of [assigned, chosen]) {
            if (key !== null) {
              const variants = (config as ExperimentConfig).variants;
              expect(variants.some((variant) => variant.key === key)).toBe(true);
            }
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('returns null for a null, undefined or primitive config', () => {
    for (const config of [null, undefined, 0, 'config', true, [], () => 'v0']) {
      expect(assign(config as unknown as ExperimentConfig, 'visitor-1')).toBeNull();
      expect(chooseVariant(config as unknown as ExperimentConfig, 'visitor-1')).toBeNull();
      expect(isIncluded(config as unknown as ExperimentConfig, 'visitor-1')).toBe(false);
    }
  });

  it('returns null for a visitor id that is empty or not a string', () => {
    const config = experiment('visitor-type', [0.5, 0.5]);
    for (const visitor of ['', null, undefined, 42, {}, ['visitor-1']]) {
      expect(assign(config, visitor as string)).toBeNull();
    }
  });

  it('returns null when the weights do not add up to 1', () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 5 }),
        fc.constantFrom(0.5, 0.9, 0.999, 1.001, 1.1, 2),
        (visitor, raw, total) => {
          const sum = raw.reduce((a, b) => a + b, 0);
          fc.pre(sum > 0);
          const config = experiment('bad-weights', raw.map((weight) => (weight / sum) * total));
          expect(assign(config, visitor)).toBeNull();
          expect(chooseVariant(config, visitor)).toBeNull();
        },
      ),
    );
  });

  it('returns null for weights that are negative, NaN, infinite or not numbers', () => {
    for (const weights of [[-0.5, 1.5], [Number.NaN, 1], [Infinity, 0], ['0.5', 0.5], [true, 0]]) {
      expect(assign(experiment('bad-weight', weights as number[]), 'visitor-1')).toBeNull();
    }
  });

  it('returns null for an unknown hash version', () => {
    const config = experiment('future', [0.5, 0.5], { hashVersion: 2 as 1 });
    expect(assign(config, 'visitor-1')).toBeNull();
  });

  it('returns null when reading the config throws', () => {
    const hostile = new Proxy({} as ExperimentConfig, {
      get() {
        throw new Error('hostile getter');
      },
    });
    expect(assign(hostile, 'visitor-1')).toBeNull();
    expect(chooseVariant(hostile, 'visitor-1')).toBeNull();
    expect(isIncluded(hostile, 'visitor-1')).toBe(false);
  });

  it('returns null when reading an attribute throws', () => {
    const config = experiment('hostile-attributes', [0.5, 0.5], {
      targeting: [{ attribute: 'country', operator: 'equals', values: ['de'] }],
    });
    const throwingGetter = Object.defineProperty({}, 'country', {
      enumerable: true,
      get() {
        throw new Error('hostile attribute');
      },
    }) as Attributes;
    const throwingString = { country: { toString: () => { throw new Error('hostile toString'); } } };
    expect(assign(config, 'visitor-1', throwingGetter)).toBeNull();
    expect(assign(config, 'visitor-1', throwingString as unknown as Attributes)).toBeNull();
  });
});

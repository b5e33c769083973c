import { describe, expect, it } from 'vitest';
import {
  controlVariant,
  experimentPatchSchema,
  newExperimentSchema,
  parseDefinition,
  primaryGoal,
  toExperimentConfig,
  type Experiment,
} from '../../src/domain/experiment.ts';

/** The document from the issue, verbatim. */
const issueDocument = JSON.parse(
  '{"key":"hero-offer","name":"Hero offer","variants":[{"key":"A","weight":0.5,"control":true,"payload":{"headline":"Save today"}},{"key":"B","weight":0.5,"payload":{"headline":"10% off your first order"}}],"coverage":1,"goals":[{"key":"purchase","primary":true,"revenue":true}],"stages":["cart","checkout"],"costs":{"B":{"fixed":500,"perVisitor":0,"perConversion":2,"revenueShare":0.1}},"margin":0.4,"currency":"EUR"}',
) as Record<string, unknown>;

/** The smallest valid definition: everything optional left out. */
function minimal(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    key: 'price-badge',
    name: 'Price badge',
    variants: [
      { key: 'plain', weight: 0.5 },
      { key: 'badge', weight: 0.5 },
    ],
    goals: [{ key: 'signup' }],
    ...overrides,
  };
}

/** The issues of a refused document, as `{ path, message }`. */
function issuesOf(input: unknown): { path: (string | number)[]; message: string }[] {
  const result = newExperimentSchema.safeParse(input);
  expect(result.success).toBe(false);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: issue.path as (string | number)[], message: issue.message }));
}

function storedExperiment(overrides: Partial<Experiment> = {}): Experiment {
  return {
    ...newExperimentSchema.parse(issueDocument),
    status: 'running',
    phase: 2,
    seed: 'seed-2',
    phases: [],
    version: 3,
    createdAt: '2025-03-01T00:00:00.000Z',
    updatedAt: '2025-03-02T00:00:00.000Z',
    ...overrides,
  };
}

describe('newExperimentSchema', () => {
  it('accepts the document from the issue and fills the remaining defaults', () => {
    expect(newExperimentSchema.parse(issueDocument)).toEqual({
      key: 'hero-offer',
      name: 'Hero offer',
      variants: [
        { key: 'A', weight: 0.5, control: true, payload: { headline: 'Save today' } },
        { key: 'B', weight: 0.5, control: false, payload: { headline: '10% off your first order' } },
      ],
      coverage: 1,
      targeting: [],
      goals: [{ key: 'purchase', primary: true, revenue: true }],
      stages: ['cart', 'checkout'],
      costs: { B: { fixed: 500, perVisitor: 0, perConversion: 2, revenueShare: 0.1 } },
      margin: 0.4,
      currency: 'EUR',
    });
  });

  it('fills every default of a minimal definition', () => {
    expect(newExperimentSchema.parse(minimal())).toEqual({
      key: 'price-badge',
      name: 'Price badge',
      variants: [
        { key: 'plain', weight: 0.5, control: true, payload: {} },
        { key: 'badge', weight: 0.5, control: false, payload: {} },
      ],
      coverage: 1,
      targeting: [],
      goals: [{ key: 'signup', primary: true, revenue: false }],
      stages: [],
      costs: {},
      margin: 1,
      currency: 'EUR',
    });
  });

  it('makes the first variant the control when none is flagged', () => {
    const parsed = newExperimentSchema.parse(
      minimal({ variants: [{ key: 'x', weight: 0.2 }, { key: 'y', weight: 0.3 }, { key: 'z', weight: 0.5 }] }),
    );
    expect(parsed.variants.map((variant) => variant.control)).toEqual([true, false, false]);
  });

  it('keeps a control flagged on a later variant and does not add another', () => {
    const parsed = newExperimentSchema.parse(
      minimal({ variants: [{ key: 'x', weight: 0.5 }, { key: 'y', weight: 0.5, control: true }] }),
    );
    expect(parsed.variants.map((variant) => variant.control)).toEqual([false, true]);
  });

  it('makes the first goal primary when none is flagged', () => {
    const parsed = newExperimentSchema.parse(minimal({ goals: [{ key: 'click' }, { key: 'buy', revenue: true }] }));
    expect(parsed.goals).toEqual([
      { key: 'click', primary: true, revenue: false },
      { key: 'buy', primary: false, revenue: true },
    ]);
  });

  it('keeps a primary goal flagged later in the list', () => {
    const parsed = newExperimentSchema.parse(minimal({ goals: [{ key: 'click' }, { key: 'buy', primary: true }] }));
    expect(parsed.goals.map((goal) => goal.primary)).toEqual([false, true]);
  });

  it('fills the defaults of a partial cost entry', () => {
    const parsed = newExperimentSchema.parse(minimal({ costs: { badge: { perVisitor: 0.02 } } }));
    expect(parsed.costs).toEqual({ badge: { fixed: 0, perVisitor: 0.02, perConversion: 0, revenueShare: 0 } });
  });

  it('accepts weights that add up to 1 within floating-point error', () => {
    const parsed = newExperimentSchema.parse(
      minimal({ variants: [{ key: 'a', weight: 0.1 }, { key: 'b', weight: 0.2 }, { key: 'c', weight: 0.7 }] }),
    );
    expect(parsed.variants.map((variant) => variant.weight)).toEqual([0.1, 0.2, 0.7]);
  });

  it('refuses duplicate variant keys, naming the key and the path of the second one', () => {
    const issues = issuesOf(minimal({ variants: [{ key: 'same', weight: 0.5 }, { key: 'same', weight: 0.5 }] }));
    expect(issues).toContainEqual({ path: ['variants', 1, 'key'], message: 'Variant key "same" is used twice.' });
  });

  it('refuses weights that do not add up to 1 and says what they add up to', () => {
    const issues = issuesOf(minimal({ variants: [{ key: 'a', weight: 0.5 }, { key: 'b', weight: 0.4 }] }));
    expect(issues).toEqual([{ path: ['variants'], message: 'Variant weights must add up to 1 (they add up to 0.9).' }]);
  });

  it('refuses weights that add up to more than 1', () => {
    const issues = issuesOf(minimal({ variants: [{ key: 'a', weight: 0.6 }, { key: 'b', weight: 0.6 }] }));
    expect(issues).toEqual([{ path: ['variants'], message: 'Variant weights must add up to 1 (they add up to 1.2).' }]);
  });

  it('refuses a zero weight', () => {
    const issues = issuesOf(minimal({ variants: [{ key: 'a', weight: 1 }, { key: 'b', weight: 0 }] }));
    expect(issues).toContainEqual({ path: ['variants', 1, 'weight'], message: 'A weight must be greater than 0.' });
  });

  it('refuses two controls', () => {
    const issues = issuesOf(
      minimal({ variants: [{ key: 'a', weight: 0.5, control: true }, { key: 'b', weight: 0.5, control: true }] }),
    );
    expect(issues).toEqual([{ path: ['variants'], message: 'Mark exactly one variant as the control.' }]);
  });

  it('refuses two primary goals', () => {
    const issues = issuesOf(minimal({ goals: [{ key: 'a', primary: true }, { key: 'b', primary: true }] }));
    expect(issues).toEqual([{ path: ['goals'], message: 'Mark exactly one goal as primary.' }]);
  });

  it('refuses duplicate goal keys', () => {
    const issues = issuesOf(minimal({ goals: [{ key: 'buy' }, { key: 'buy' }] }));
    expect(issues).toEqual([{ path: ['goals', 1, 'key'], message: 'Goal key "buy" is used twice.' }]);
  });

  it('refuses a stage listed twice', () => {
    const issues = issuesOf(minimal({ stages: ['cart', 'checkout', 'cart'] }));
    expect(issues).toEqual([{ path: ['stages', 2], message: 'Stage "cart" is listed twice.' }]);
  });

  it('refuses costs for a variant the experiment does not have', () => {
    const issues = issuesOf(minimal({ costs: { C: { fixed: 10 } } }));
    expect(issues).toEqual([{ path: ['costs', 'C'], message: 'Costs name variant "C", which the experiment does not have.' }]);
  });

  it('refuses an experiment with one variant only', () => {
    const issues = issuesOf(minimal({ variants: [{ key: 'only', weight: 1 }] }));
    expect(issues).toContainEqual({ path: ['variants'], message: 'An experiment needs at least two variants.' });
  });

  it('refuses an experiment without goals', () => {
    const issues = issuesOf(minimal({ goals: [] }));
    expect(issues).toContainEqual({ path: ['goals'], message: 'An experiment needs at least one goal.' });
  });

  it('refuses an unknown top-level field', () => {
    const issues = issuesOf({ ...issueDocument, owner: 'marketing' });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toEqual([]);
    expect(issues[0]!.message).toMatch(/owner/);
  });

  it('refuses an unknown field inside a variant', () => {
    const issues = issuesOf(minimal({ variants: [{ key: 'a', weight: 0.5, colour: 'red' }, { key: 'b', weight: 0.5 }] }));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toEqual(['variants', 0]);
    expect(issues[0]!.message).toMatch(/colour/);
  });

  it('refuses an unknown field inside a goal', () => {
    const issues = issuesOf(minimal({ goals: [{ key: 'buy', value: 3 }] }));
    expect(issues[0]!.path).toEqual(['goals', 0]);
    expect(issues[0]!.message).toMatch(/value/);
  });

  it('refuses an unknown field inside costs', () => {
    const issues = issuesOf(minimal({ costs: { badge: { fixed: 1, tax: 2 } } }));
    expect(issues[0]!.path).toEqual(['costs', 'badge']);
    expect(issues[0]!.message).toMatch(/tax/);
  });

  it.each([
    ['a space', 'hero offer'],
    ['a leading dash', '-hero'],
    ['a leading underscore', '_hero'],
    ['a slash', 'hero/offer'],
    ['a hash', 'hero#offer'],
    ['nothing', ''],
    ['65 characters', 'a'.repeat(65)],
  ])('refuses an experiment key with %s', (_, key) => {
    expect(issuesOf({ ...issueDocument, key })).toEqual([
      { path: ['key'], message: 'Use 1–64 letters, digits, "-" or "_", starting with a letter or digit.' },
    ]);
  });

  it.each([
    ['1', '1'],
    ['64 characters', 'a'.repeat(64)],
    ['underscores and dashes', 'Hero_offer-2'],
  ])('accepts an experiment key of %s', (_, key) => {
    expect(newExperimentSchema.parse({ ...issueDocument, key }).key).toBe(key);
  });

  it('refuses a bad variant key at its path', () => {
    const issues = issuesOf(minimal({ variants: [{ key: 'a b', weight: 0.5 }, { key: 'b', weight: 0.5 }] }));
    expect(issues).toContainEqual({
      path: ['variants', 0, 'key'],
      message: 'Use 1–64 letters, digits, "-" or "_", starting with a letter or digit.',
    });
  });

  it('refuses a bad goal key and a bad stage key at their paths', () => {
    const issues = issuesOf(minimal({ goals: [{ key: 'buy now' }], stages: ['#cart'] }));
    expect(issues.map((issue) => issue.path)).toEqual(expect.arrayContaining([['goals', 0, 'key'], ['stages', 0]]));
  });

  it.each(['eur', 'EURO', 'EU', '€', '978'])('refuses the currency %j', (currency) => {
    expect(issuesOf({ ...issueDocument, currency })).toEqual([
      { path: ['currency'], message: 'Use an ISO 4217 code such as EUR or USD.' },
    ]);
  });

  it('accepts USD as currency', () => {
    expect(newExperimentSchema.parse({ ...issueDocument, currency: 'USD' }).currency).toBe('USD');
  });

  it.each([-0.1, 1.5])('refuses a coverage of %d', (coverage) => {
    expect(issuesOf({ ...issueDocument, coverage }).map((issue) => issue.path)).toEqual([['coverage']]);
  });

  it.each([-0.2, 1.01])('refuses a margin of %d', (margin) => {
    expect(issuesOf({ ...issueDocument, margin }).map((issue) => issue.path)).toEqual([['margin']]);
  });

  it('refuses a revenue share above 1', () => {
    const issues = issuesOf({ ...issueDocument, costs: { B: { revenueShare: 1.5 } } });
    expect(issues.map((issue) => issue.path)).toEqual([['costs', 'B', 'revenueShare']]);
  });

  it('refuses a negative cost', () => {
    const issues = issuesOf({ ...issueDocument, costs: { B: { fixed: -1 } } });
    expect(issues.map((issue) => issue.path)).toEqual([['costs', 'B', 'fixed']]);
  });

  it('refuses a payload larger than 8 KB of JSON', () => {
    const issues = issuesOf(
      minimal({ variants: [{ key: 'a', weight: 0.5, payload: { text: 'x'.repeat(8_200) } }, { key: 'b', weight: 0.5 }] }),
    );
    expect(issues).toEqual([{ path: ['variants', 0, 'payload'], message: 'A variant payload may hold at most 8 KB of JSON.' }]);
  });

  it('refuses more than ten variants', () => {
    const variants = Array.from({ length: 11 }, (_, index) => ({ key: `v${index}`, weight: 1 / 11 }));
    expect(issuesOf(minimal({ variants })).map((issue) => issue.path)).toContainEqual(['variants']);
  });

  it('refuses a missing name', () => {
    const { name: _name, ...withoutName } = issueDocument;
    expect(issuesOf(withoutName).map((issue) => issue.path)).toEqual([['name']]);
  });

  it('refuses an unknown targeting operator', () => {
    const issues = issuesOf(minimal({ targeting: [{ attribute: 'device', operator: 'matches', values: ['mobile'] }] }));
    expect(issues.map((issue) => issue.path)).toEqual([['targeting', 0, 'operator']]);
  });
});

describe('experimentPatchSchema', () => {
  it('accepts a subset of the fields and adds no field the patch does not name', () => {
    expect(experimentPatchSchema.parse({ name: 'Renamed' })).toEqual({ name: 'Renamed' });
  });

  it('does not turn an absent margin, coverage or currency into its create-time default', () => {
    const patch = experimentPatchSchema.parse({ hypothesis: 'Discounts sell.' });
    expect(patch).not.toHaveProperty('margin');
    expect(patch).not.toHaveProperty('coverage');
    expect(patch).not.toHaveProperty('currency');
  });

  it('keeps the fields of a patch it names', () => {
    expect(experimentPatchSchema.parse({ margin: 0.3, currency: 'USD' })).toMatchObject({ margin: 0.3, currency: 'USD' });
  });

  it('refuses the key', () => {
    expect(experimentPatchSchema.safeParse({ key: 'other' }).success).toBe(false);
  });
});

describe('parseDefinition', () => {
  it('validates a definition under the given key with the same rules as on create', () => {
    const { key: _key, ...definition } = issueDocument;
    expect(parseDefinition('renamed-key', definition).key).toBe('renamed-key');
    expect(() => parseDefinition('renamed-key', { ...definition, variants: [{ key: 'A', weight: 1 }] })).toThrow(
      'An experiment needs at least two variants.',
    );
  });
});

describe('primaryGoal', () => {
  it('returns the goal flagged primary', () => {
    expect(
      primaryGoal({
        goals: [
          { key: 'click', primary: false, revenue: false },
          { key: 'buy', primary: true, revenue: true },
        ],
      }),
    ).toEqual({ key: 'buy', primary: true, revenue: true });
  });

  it('falls back to the first goal when none is flagged', () => {
    expect(
      primaryGoal({
        goals: [
          { key: 'click', primary: false, revenue: false },
          { key: 'buy', primary: false, revenue: true },
        ],
      }).key,
    ).toBe('click');
  });
});

describe('controlVariant', () => {
  it('returns the variant flagged control', () => {
    expect(
      controlVariant({
        variants: [
          { key: 'x', weight: 0.5, control: false, payload: {} },
          { key: 'y', weight: 0.5, control: true, payload: {} },
        ],
      }).key,
    ).toBe('y');
  });

  it('falls back to the first variant when none is flagged', () => {
    expect(
      controlVariant({
        variants: [
          { key: 'x', weight: 0.5, control: false, payload: {} },
          { key: 'y', weight: 0.5, control: false, payload: {} },
        ],
      }).key,
    ).toBe('x');
  });
});

describe('toExperimentConfig', () => {
  it('builds the public config: assignment fields, goals and stages, nothing private', () => {
    const experiment = storedExperiment({
      hypothesis: 'A discount headline sells more.',
      targeting: [{ attribute: 'device', operator: 'equals', values: ['mobile'] }],
      coverage: 0.8,
      variants: [
        { key: 'A', name: 'Control', weight: 0.5, control: true, payload: { headline: 'Save today' } },
        { key: 'B', name: 'Discount', weight: 0.5, control: false, payload: { headline: '10% off your first order' } },
      ],
      goals: [
        { key: 'purchase', name: 'Purchase', primary: true, revenue: true },
        { key: 'signup', primary: false, revenue: false },
      ],
    });
    expect(toExperimentConfig(experiment)).toEqual({
      key: 'hero-offer',
      phase: 2,
      seed: 'seed-2',
      hashVersion: 1,
      coverage: 0.8,
      variants: [
        { key: 'A', weight: 0.5, control: true, payload: { headline: 'Save today' } },
        { key: 'B', weight: 0.5, control: false, payload: { headline: '10% off your first order' } },
      ],
      targeting: [{ attribute: 'device', operator: 'equals', values: ['mobile'] }],
      goals: [
        { key: 'purchase', primary: true, revenue: true },
        { key: 'signup', primary: false, revenue: false },
      ],
      stages: ['cart', 'checkout'],
      currency: 'EUR',
    });
  });

  it('leaves out costs, margin, name, hypothesis, status and version', () => {
    const config = toExperimentConfig(storedExperiment({ hypothesis: 'secret plan' })) as unknown as Record<string, unknown>;
    for (const field of ['costs', 'margin', 'name', 'hypothesis', 'status', 'version', 'phases', 'createdAt', 'updatedAt']) {
      expect(config).not.toHaveProperty(field);
    }
  });
});

import { describe, expect, it } from 'vitest';
import type { Experiment } from '../src/api-types.ts';
import { emptyDraft, evenWeights, fieldId, fromExperiment, toRequest, weightTotal } from '../src/editor-draft.ts';

const experiment: Experiment = {
  key: 'hero-offer',
  name: 'Hero offer',
  hypothesis: 'A badge sells more.',
  variants: [
    { key: 'A', name: 'Save today', weight: 0.5, control: true, payload: { headline: 'Save today', badge: null } },
    { key: 'B', weight: 0.5, control: false, payload: { headline: '10% off', layout: { columns: 2 } } },
  ],
  coverage: 0.8,
  targeting: [{ attribute: 'device', operator: 'equals', values: ['mobile', 'tablet'] }],
  goals: [{ key: 'purchase', primary: true, revenue: true }],
  stages: ['cart', 'checkout'],
  costs: { B: { fixed: 100, perVisitor: 0, perConversion: 2.49, revenueShare: 0.05 } },
  margin: 0.4,
  currency: 'EUR',
  status: 'draft',
  phase: 0,
  seed: '',
  phases: [],
  version: 1,
  createdAt: '2025-03-04T10:00:00.000Z',
  updatedAt: '2025-03-04T10:00:00.000Z',
};

describe('fromExperiment and toRequest', () => {
  it('round-trip an experiment through the form without changing it', () => {
    const { body, issues } = toRequest(fromExperiment(experiment), 'bad json');
    expect(issues).toEqual([]);
    expect(body).toEqual({
      key: 'hero-offer',
      name: 'Hero offer',
      hypothesis: 'A badge sells more.',
      variants: [
        { key: 'A', name: 'Save today', weight: 0.5, control: true, payload: { headline: 'Save today' } },
        { key: 'B', weight: 0.5, control: false, payload: { headline: '10% off', layout: { columns: 2 } } },
      ],
      coverage: 0.8,
      targeting: [{ attribute: 'device', operator: 'equals', values: ['mobile', 'tablet'] }],
      goals: [{ key: 'purchase', primary: true, revenue: true }],
      stages: ['cart', 'checkout'],
      costs: { B: { fixed: 100, perVisitor: 0, perConversion: 2.49, revenueShare: 0.05 } },
      margin: 0.4,
      currency: 'EUR',
    });
  });

  it('edits a payload with other keys than the offer fields as raw JSON', () => {
    const draft = fromExperiment(experiment);
    expect(draft.variants.map((variant) => variant.mode)).toEqual(['fields', 'json']);
  });

  it('reads German decimal commas and sends percentages as fractions', () => {
    const draft = emptyDraft();
    draft.variants[0]!.weight = '33,3333';
    draft.costs[1]!.perConversion = '1,5';
    draft.margin = '60';
    const { body } = toRequest(draft, 'bad json');
    expect(body.variants[0]!.weight).toBe(0.333333);
    expect(body.costs).toEqual({ B: { fixed: 0, perVisitor: 0, perConversion: 1.5, revenueShare: 0 } });
    expect(body.margin).toBe(0.6);
  });

  it('leaves an unreadable number for the API to name, and reports a payload that is not a JSON object', () => {
    const draft = emptyDraft();
    draft.coverage = 'lots';
    draft.variants[1]!.mode = 'json';
    draft.variants[1]!.json = '{"headline": ';
    const { body, issues } = toRequest(draft, 'bad json');
    expect(body.coverage).toBeNaN();
    expect(issues).toEqual([{ path: 'variants.1.payload', message: 'bad json' }]);
  });
});

describe('evenWeights', () => {
  it('splits 100% so that the fractions add up to 1 within the API tolerance', () => {
    for (const count of [2, 3, 6, 7]) {
      const weights = evenWeights(count);
      const sum = weights.reduce((total, weight) => total + Math.round(Number(weight) * 10_000) / 1_000_000, 0);
      expect(Math.abs(sum - 1)).toBeLessThan(1e-6);
    }
    expect(evenWeights(3)).toEqual(['33.3334', '33.3333', '33.3333']);
  });
});

describe('weightTotal', () => {
  it('adds the typed percentages', () => {
    const draft = emptyDraft();
    draft.variants[1]!.weight = '60';
    expect(weightTotal(draft)).toBe(110);
  });
});

describe('fieldId', () => {
  it('turns an API issue path into the id of its input', () => {
    expect(fieldId('variants.1.weight')).toBe('f-variants-1-weight');
    expect(fieldId('costs.B B.fixed')).toBe('f-costs-B-B-fixed');
  });
});

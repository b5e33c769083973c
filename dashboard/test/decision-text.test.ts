import { describe, expect, it } from 'vitest';
import type { Experiment, ResultsDocument, VariantResult } from '../src/api-types.ts';
import { costsConfigured, decisionText } from '../src/decision-text.ts';
import { health, leadingVariant } from '../src/summaries.ts';

const nbsp = '\u00a0';

function variant(key: string, fields: { visitors: number; conversionRate: number; vsControl?: Record<string, unknown>; romi?: Record<string, unknown> }): VariantResult {
  return {
    key,
    control: !fields.vsControl,
    weight: 0.5,
    visitors: fields.visitors,
    conversions: Math.round(fields.visitors * fields.conversionRate),
    conversionRate: fields.conversionRate,
    vsControl: fields.vsControl
      ? { absoluteLift: 0.012, relativeLift: 0.12, relativeLiftCI: [0.04, 0.2], romi: { incrementalNetProfitPerVisitor: 0.3, probabilityProfitable: 0.9, incrementalRomi: 1.3, ...fields.romi }, ...fields.vsControl }
      : null,
  } as unknown as VariantResult;
}

function document(decision: ResultsDocument['decision'], variants: VariantResult[], srmPValue = 0.5): ResultsDocument {
  return {
    experiment: 'hero-offer',
    phase: 1,
    goal: 'purchase',
    currency: 'EUR',
    settings: { alpha: 0.05, margin: 0.4, power: 0.8, mde: 0.1, minimumVisitorsPerVariant: 100, visitorsPerMonth: null, currency: 'EUR' },
    variants,
    srm: { status: 'ok', chiSquare: 0, degreesOfFreedom: 1, pValue: srmPValue, mismatch: srmPValue < 0.001 },
    decision,
    cumulative: [],
    daily: [],
    minorUnitDigits: 2,
  } as ResultsDocument;
}

const withCosts = { costs: { B: { fixed: 0, perVisitor: 0, perConversion: 2.49, revenueShare: 0 } } } as Pick<Experiment, 'costs'>;
const control = variant('A', { visitors: 5000, conversionRate: 0.1 });

describe('decisionText', () => {
  it('states a winner with its lift, interval and payback in English', () => {
    const results = document({ status: 'winner', variant: 'B', message: '' }, [control, variant('B', { visitors: 5000, conversionRate: 0.112, vsControl: {} })]);
    expect(decisionText(results, withCosts, 'en')).toEqual({
      headline: 'Variant “B” wins',
      body: 'Variant “B” converts 12% better than the control (95% CI 4% to 20%) and earns €2.30 of gross profit per €1 of marketing cost. Safe to roll out.',
      needs: null,
    });
  });

  it('states the same winner in German with German numbers and money', () => {
    const results = document({ status: 'winner', variant: 'B', message: '' }, [control, variant('B', { visitors: 5000, conversionRate: 0.112, vsControl: {} })]);
    expect(decisionText(results, withCosts, 'de')).toEqual({
      headline: 'Variante „B“ gewinnt',
      body: `Variante „B“ konvertiert 12${nbsp}% besser als die Kontrolle (95${nbsp}%-KI 4${nbsp}% bis 20${nbsp}%) und erwirtschaftet 2,30${nbsp}€ Rohertrag pro 1${nbsp}€ Marketingkosten. Kann ausgerollt werden.`,
      needs: null,
    });
  });

  it('warns when the winner loses money after its costs', () => {
    const loser = variant('B', { visitors: 5000, conversionRate: 0.112, vsControl: {}, romi: { incrementalNetProfitPerVisitor: -0.12, probabilityProfitable: 0.2 } });
    const text = decisionText(document({ status: 'winner', variant: 'B', message: '' }, [control, loser]), withCosts, 'en');
    expect(text.body).toBe(
      'Variant “B” converts 12% better than the control (95% CI 4% to 20%), but after its marketing costs it loses €0.12 per visitor (chance it pays off: 20%). Roll out only if the extra conversions are worth that.',
    );
  });

  it('says what is still needed while collecting', () => {
    const results = document({ status: 'collecting', variant: null, message: '', visitorsNeeded: 12400, daysNeeded: 6 }, [control, variant('B', { visitors: 40, conversionRate: 0.1, vsControl: {} })]);
    expect(decisionText(results, undefined, 'en')).toEqual({
      headline: 'Still collecting data',
      body: 'Every variant needs at least 100 visitors before its results mean anything (the smallest has 40).',
      needs: 'About 12,400 more visitors (about 6 days at current traffic) are needed to detect a 10% change.',
    });
  });

  it('explains a sample ratio mismatch without naming a winner', () => {
    const results = document({ status: 'srm', variant: null, message: '' }, [control, variant('B', { visitors: 4000, conversionRate: 0.1, vsControl: {} })], 0.00001);
    expect(decisionText(results, undefined, 'en').headline).toBe('The visitor split looks wrong');
    expect(decisionText(results, undefined, 'en').body).toContain('(sample ratio mismatch, p < 0.001)');
  });
});

describe('costsConfigured', () => {
  it('is true only when some variant has a cost above zero', () => {
    expect(costsConfigured(withCosts)).toBe(true);
    expect(costsConfigured({ costs: { B: { fixed: 0, perVisitor: 0, perConversion: 0, revenueShare: 0 } } })).toBe(false);
    expect(costsConfigured(undefined)).toBe(false);
  });
});

describe('leadingVariant', () => {
  it('picks the challenger with the largest relative lift', () => {
    const results = document({ status: 'inconclusive', variant: null, message: '' }, [
      control,
      variant('B', { visitors: 100, conversionRate: 0.1, vsControl: { relativeLift: 0.05 } }),
      variant('C', { visitors: 100, conversionRate: 0.1, vsControl: { relativeLift: 0.09 } }),
    ]);
    expect(leadingVariant(results)?.key).toBe('C');
  });
});

describe('health', () => {
  const running = { status: 'running', phases: [{ phase: 1, startedAt: '2025-03-01T00:00:00Z' }] } as unknown as Experiment;
  it('flags a sample ratio mismatch before anything else', () => {
    const results = document({ status: 'srm', variant: null, message: '' }, [control], 0.00001);
    expect(health(running, results, false, new Date('2025-03-04T00:00:00Z'))).toBe('srm');
  });

  it('flags a running test without a single visitor after a day', () => {
    const results = document({ status: 'collecting', variant: null, message: '' }, [variant('A', { visitors: 0, conversionRate: 0 })]);
    expect(health(running, results, false, new Date('2025-03-04T00:00:00Z'))).toBe('no_traffic');
  });

  it('has nothing to say about a draft', () => {
    expect(health({ ...running, status: 'draft' }, undefined, false, new Date())).toBeNull();
  });
});

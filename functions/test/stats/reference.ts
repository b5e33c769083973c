/**
 * Typed access to reference/reference.json (written by reference/make-reference.py from
 * scipy, statsmodels, mpmath and R values) and the comparison helpers the tests share.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { SummaryInput } from '../../src/stats/summarize.ts';

type Interval = [number, number];
type Nullable<T> = T | null;

export interface FixtureVariant {
  key: string;
  conversionRate: Nullable<number>;
  conversionRateCI: Nullable<Interval>;
  revenuePerVisitor: Nullable<number>;
  abandonment: Record<string, { rate: Nullable<number>; rateCI: Nullable<Interval>; recoveredShare: Nullable<number> }>;
  romi: { investment: number; grossProfit: number; romi: Nullable<number> };
}

export interface FixtureComparison {
  absoluteLift: Nullable<number>;
  absoluteLiftCI: Nullable<Interval>;
  relativeLift: Nullable<number>;
  relativeLiftCI: Nullable<Interval>;
  pValue: Nullable<number>;
  adjustedPValue: Nullable<number>;
  sequentialPValue: Nullable<number>;
  adjustedSequentialPValue: Nullable<number>;
  chanceToBeatControl: Nullable<number>;
  expectedLoss: Nullable<number>;
  revenueStatus: string;
  revenuePerVisitorDiff: Nullable<number>;
  revenuePerVisitorDiffCI: Nullable<Interval>;
  revenuePValue: Nullable<number>;
  abandonment: Record<string, { difference: Nullable<number>; differenceCI: Nullable<Interval>; pValue: Nullable<number> }>;
  romi: {
    status: string;
    incrementalNetProfitPerVisitor: Nullable<number>;
    incrementalNetProfitPerVisitorCI: Nullable<Interval>;
    probabilityProfitable: Nullable<number>;
    incrementalRomi: Nullable<number>;
    projectedMonthlyProfit: Nullable<number>;
    projectedMonthlyProfitCI: Nullable<Interval>;
  };
}

export interface Fixture {
  name: string;
  input: SummaryInput;
  expected: {
    variants: FixtureVariant[];
    vsControl: Record<string, FixtureComparison>;
    srm: { status: string; chiSquare?: number; degreesOfFreedom?: number; pValue: Nullable<number>; mismatch: boolean };
  };
}

interface Counts {
  successes: number;
  trials: number;
}

export interface Reference {
  defaultMde: number;
  distributions: {
    normal: Array<{ x: number; cdf: number; sf: number }>;
    normalQuantile: Array<{ p: number; x: number }>;
    studentT: Array<{ t: number; df: number; sf: number }>;
    studentTQuantile: Array<{ p: number; df: number; t: number }>;
    chiSquare: Array<{ x: number; df: number; sf: number }>;
    logBeta: Array<{ a: number; b: number; value: number }>;
    logGamma: Array<{ x: number; value: number }>;
  };
  fixtures: Fixture[];
  sampleSize: Array<{
    input: { baseline: number; mde: number; alpha?: number; power?: number; visitorsPerDay?: number; variants?: number };
    unrounded: number;
    expected: { visitorsPerVariant: number; days?: number };
  }>;
  sequential: Array<{
    looks: Array<{ control: Counts; variant: Counts }>;
    mixingStandardDeviation: number;
    expected: Nullable<number>;
    expectedLastLookOnly: Nullable<number>;
  }>;
  chance: Array<{ control: Counts; variant: Counts; chanceToBeatControl: number; expectedLoss: number }>;
  welch: Array<{
    control: Moments;
    variant: Moments;
    alpha: number;
    expected: {
      status: string;
      difference: Nullable<number>;
      interval: Nullable<Interval>;
      pValue: Nullable<number>;
      degreesOfFreedom: Nullable<number>;
      standardError: Nullable<number>;
    };
  }>;
}

interface Moments {
  count: number;
  sum: number;
  sumOfSquares: number;
}

export const reference = JSON.parse(
  readFileSync(new URL('./reference/reference.json', import.meta.url), 'utf8'),
) as Reference;

export function fixture(namePrefix: string): Fixture {
  const found = reference.fixtures.find((candidate) => candidate.name.startsWith(namePrefix));
  if (found === undefined) throw new Error(`no reference fixture starting with "${namePrefix}"`);
  return found;
}

/** |actual − expected| ≤ relative·|expected| + absolute, or both null. */
export function expectClose(
  actual: number | null | undefined,
  expected: number | null | undefined,
  relative = 1e-9,
  absolute = 1e-15,
  label = '',
): void {
  if (expected === null || expected === undefined) {
    expect(actual ?? null, `${label}: expected null`).toBeNull();
    return;
  }
  expect(actual, `${label}: expected ${expected}`).toBeTypeOf('number');
  const error = Math.abs((actual as number) - expected);
  expect(error, `${label}: ${actual} vs ${expected}`).toBeLessThanOrEqual(relative * Math.abs(expected) + absolute);
}

export function expectIntervalClose(
  actual: readonly [number, number] | null | undefined,
  expected: readonly [number, number] | null | undefined,
  relative = 1e-9,
  absolute = 1e-15,
  label = '',
): void {
  if (expected === null || expected === undefined) {
    expect(actual ?? null, `${label}: expected null`).toBeNull();
    return;
  }
  expect(actual, `${label}: expected an interval`).not.toBeNull();
  expectClose(actual?.[0], expected[0], relative, absolute, `${label} lower`);
  expectClose(actual?.[1], expected[1], relative, absolute, `${label} upper`);
}

/** Every number anywhere in the value is finite (JSON.stringify would hide NaN as null). */
export function expectFiniteEverywhere(value: unknown, path = '$'): void {
  if (typeof value === 'number') {
    expect(Number.isFinite(value), `${path} = ${value}`).toBe(true);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => expectFiniteEverywhere(item, `${path}[${index}]`));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) expectFiniteEverywhere(item, `${path}.${key}`);
  } else {
    expect(['string', 'boolean', 'undefined'].includes(typeof value) || value === null, `${path} is ${typeof value}`).toBe(true);
  }
}

/** The path of the first non-finite number in the value, or null. */
export function firstNonFinite(value: unknown, path = '$'): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : `${path} = ${value}`;
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = firstNonFinite(item, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`);
      if (found !== null) return found;
    }
  }
  return null;
}

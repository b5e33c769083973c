import fc from 'fast-check';
import { RawJson, hostileKey, hostileString, hostileValue, nonObject, setPath } from './hostile.ts';

export type Path = (string | number)[];
export type Mutation = [Path, unknown];

/** A mutation setting `path` to a value drawn from `values`. */
export function at(path: Path, values: fc.Arbitrary<unknown>): fc.Arbitrary<Mutation> {
  return fc.tuple(fc.constant(path), values);
}

/** Applies `noise` (which may leave a document valid) first, then `defects` (each of which makes it invalid). */
export function mutate(base: unknown, noise: Mutation[], defects: Mutation[]): unknown {
  let document = base;
  for (const [path, value] of [...noise, ...defects]) document = setPath(document, path, value);
  return document;
}

const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Values keySchema refuses: experiment, variant, goal and stage keys. */
export const invalidKey: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('', '-a', '_a', 'a b', 'a/b', 'a.b', 'é', '__proto__', 'x'.repeat(65), 'a\u0000', 'A#B', 'hero-offer#1', 'ü'.repeat(3)),
  hostileString.filter((text) => !KEY_PATTERN.test(text)),
  nonObject.filter((value) => typeof value !== 'string'),
);

const nonString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }), fc.constant({}));
const tooLong = (limit: number) => fc.integer({ min: limit + 1, max: limit + 500 }).map((length) => 'y'.repeat(length));
const notAFraction = fc.oneof(
  fc.constantFrom(-0.01, 1.01, 2, -1, '0.5', null, true).map((value) => value as unknown),
  fc.constant(new RawJson('1e400')),
  fc.constant(new RawJson('-1e400')),
);

/** Two variant objects whose weights do not add up to 1 (each weight valid on its own). */
const unbalancedWeights = fc
  .tuple(fc.double({ min: 0.01, max: 1, noNaN: true }), fc.double({ min: 0.01, max: 1, noNaN: true }))
  .filter(([a, b]) => Math.abs(a + b - 1) > 1e-3)
  .map(([a, b]) => [
    { key: 'A', weight: a, control: true },
    { key: 'B', weight: b },
  ]);

/** Variant lists the variant list schema itself refuses. */
export const invalidVariantList: fc.Arbitrary<unknown> = fc.oneof(
  nonObject.filter((value) => !Array.isArray(value)),
  fc.constant([]),
  fc.constant([{ key: 'A', weight: 1 }]),
  fc.constant(Array.from({ length: 11 }, (_, index) => ({ key: `v${index}`, weight: 1 / 11 }))),
  fc.constantFrom(0, -0.5, 1.5, '0.5', null).map((weight) => [
    { key: 'A', weight },
    { key: 'B', weight: 0.5 },
  ]),
  fc.constant([
    { key: 'A', weight: new RawJson('1e400') },
    { key: 'B', weight: 0.5 },
  ]),
  fc.tuple(hostileKey.filter((key) => !['key', 'name', 'weight', 'control', 'payload', '__proto__'].includes(key)), hostileValue).map(([key, value]) => [
    Object.fromEntries([['key', 'A'], ['weight', 0.5], [key, value]]),
    { key: 'B', weight: 0.5 },
  ]),
  fc.constant([
    { key: 'A', weight: 0.5, payload: { text: 'z'.repeat(9_000) } },
    { key: 'B', weight: 0.5 },
  ]),
  nonObject.map((payload) => [
    { key: 'A', weight: 0.5, payload },
    { key: 'B', weight: 0.5 },
  ]),
  invalidKey.map((key) => [
    { key, weight: 0.5 },
    { key: 'B', weight: 0.5 },
  ]),
  fc.oneof(fc.constant(''), tooLong(120), nonString).map((name) => [
    { key: 'A', weight: 0.5, name },
    { key: 'B', weight: 0.5 },
  ]),
  fc.array(nonObject, { minLength: 2, maxLength: 3 }),
);

/** Variant lists valid item by item that every definition refuses: weights not adding up to 1, a key used twice, two controls. */
export const crossFieldVariants: fc.Arbitrary<unknown> = fc.oneof(
  unbalancedWeights,
  fc.constant([
    { key: 'A', weight: 0.5 },
    { key: 'A', weight: 0.5 },
  ]),
  fc.constant([
    { key: 'A', weight: 0.5, control: true },
    { key: 'B', weight: 0.5, control: true },
  ]),
);

/** Variants without "B", which a definition with costs for "B" refuses. */
export const variantsWithoutB: fc.Arbitrary<unknown> = fc.constant([
  { key: 'X', weight: 0.5 },
  { key: 'Y', weight: 0.5 },
]);

export const invalidVariants: fc.Arbitrary<unknown> = fc.oneof(invalidVariantList, crossFieldVariants);

const invalidTargeting: fc.Arbitrary<unknown> = fc.oneof(
  nonObject.filter((value) => !Array.isArray(value)),
  fc.constant(Array.from({ length: 21 }, () => ({ attribute: 'country', operator: 'equals', values: ['de'] }))),
  fc.constantFrom('1abc', '', '__proto__', '-x', 'a b', 'x'.repeat(65)).map((attribute) => [{ attribute, operator: 'equals', values: ['de'] }]),
  fc.oneof(hostileString, nonString).filter((operator) => !['equals', 'not_equals', 'contains', 'not_contains', 'starts_with', 'ends_with'].includes(operator as string)).map((operator) => [{ attribute: 'country', operator, values: ['de'] }]),
  fc.constantFrom<unknown>([], [1], [null], ['x'.repeat(513)], Array.from({ length: 101 }, () => 'de'), 'de').map((values) => [{ attribute: 'country', operator: 'equals', values }]),
  fc.constant([{ attribute: 'country', operator: 'equals', values: ['de'], extra: true }]),
);

const invalidGoals: fc.Arbitrary<unknown> = fc.oneof(
  nonObject.filter((value) => !Array.isArray(value)),
  fc.constant([]),
  fc.constant(Array.from({ length: 11 }, (_, index) => ({ key: `g${index}` }))),
  fc.constant([{ key: 'purchase' }, { key: 'purchase' }]),
  fc.constant([
    { key: 'purchase', primary: true },
    { key: 'signup', primary: true },
  ]),
  invalidKey.map((key) => [{ key }]),
  fc.constantFrom<unknown>('yes', 1, null).map((revenue) => [{ key: 'purchase', revenue }]),
  fc.constant([{ key: 'purchase', extra: 1 }]),
);

const invalidStages: fc.Arbitrary<unknown> = fc.oneof(
  nonObject.filter((value) => !Array.isArray(value)),
  fc.constant(Array.from({ length: 11 }, (_, index) => `s${index}`)),
  fc.constant(['cart', 'cart']),
  invalidKey.map((key) => ['cart', key]),
);

const invalidCosts: fc.Arbitrary<unknown> = fc.oneof(
  nonObject.filter((value) => value !== null && !Array.isArray(value)),
  fc.constant({ Z: {} }),
  fc.constant({ B: { fixed: -1 } }),
  fc.constant({ B: { revenueShare: 1.5 } }),
  fc.constant({ B: { perVisitor: 1e13 } }),
  fc.constant({ B: { fixed: new RawJson('1e400') } }),
  fc.constant({ B: { extra: 1 } }),
  fc.constant({ B: 'free' }),
  invalidKey.filter((key) => typeof key === 'string' && key !== '__proto__').map((key) => Object.fromEntries([[key as string, {}]])),
);

const invalidCurrency = fc.oneof(fc.constantFrom<unknown>('eur', 'EURO', 'E1R', '', 'ÉUR', 'EU', 978, null), hostileString.filter((text) => !/^[A-Z]{3}$/.test(text)));

/** Fields an experiment does not have, which the strict schemas refuse (including attempts to set internal fields). */
const unknownExperimentField = fc.oneof(
  fc.constantFrom('status', 'phase', 'seed', 'version', 'phases', 'createdAt', 'id', 'constructor', '__proto__', 'Name', 'variants '),
  hostileKey.filter(
    (key) => !['key', 'name', 'hypothesis', 'variants', 'coverage', 'targeting', 'goals', 'stages', 'costs', 'margin', 'currency'].includes(key),
  ),
);

/** One change that makes any experiment definition or patch invalid, whatever else it holds. */
export const experimentDefect: fc.Arbitrary<Mutation> = fc.oneof(
  at(['name'], fc.oneof(nonString, fc.constantFrom('', '   ', '\t\n'), tooLong(200))),
  at(['hypothesis'], fc.oneof(nonString, tooLong(2_000))),
  at(['variants'], invalidVariants),
  at(['coverage'], notAFraction),
  at(['targeting'], invalidTargeting),
  at(['goals'], invalidGoals),
  at(['stages'], invalidStages),
  at(['costs'], invalidCosts),
  at(['margin'], notAFraction),
  at(['currency'], invalidCurrency),
  fc.tuple(unknownExperimentField.map((key): Path => [key]), hostileValue),
);

/** Changes that may leave a definition valid: awkward payloads and record keys the schemas drop. */
export const experimentNoise: fc.Arbitrary<Mutation> = fc.oneof(
  at(['variants', 0, 'payload'], fc.array(fc.tuple(hostileKey, hostileValue), { maxLength: 3 }).map((entries) => Object.fromEntries(entries))),
  at(['variants', 1, 'name'], hostileString),
  at(['costs', '__proto__'], hostileValue),
);

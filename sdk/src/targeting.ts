import type { Attributes, TargetingRule } from './config.ts';

const hasOwnProperty = Object.prototype.hasOwnProperty;

const EQUALS = 0;
const CONTAINS = 1;
const STARTS_WITH = 2;
const ENDS_WITH = 3;

/**
 * Whether a visitor with `attributes` is eligible for an experiment with `rules`
 * (part of hash version 1, see hash.ts). Never throws: anything malformed does not match.
 *
 * - Every rule must match (AND). No rules (an empty array, null or undefined) match
 *   everyone; `rules` of any other non-array type match no one.
 * - A rule's value is the attribute's own property `attributes[rule.attribute]`
 *   (inherited names such as "constructor" are missing); missing attributes
 *   (`attributes` null or undefined) make every value missing.
 * - Comparison is case-insensitive: String(value).toLowerCase() against each of the
 *   rule's values lower-cased, on UTF-16 code units. String() is JavaScript's: numbers
 *   print without a trailing ".0", booleans as "true"/"false".
 * - equals, contains, starts_with, ends_with match when ANY of `values` matches; they
 *   fail when the value is missing, null or undefined.
 * - not_equals, not_contains match when NONE of `values` equals / is contained; they
 *   pass when the value is missing, null or undefined.
 * - A rule that is not an object, whose `attribute` is not a string, whose `values` is
 *   not an array of strings, or whose operator is unknown does not match.
 */
export function matchesTargeting(
  rules: readonly TargetingRule[] | null | undefined,
  attributes?: Attributes | null,
): boolean {
  try {
    if (rules === null || rules === undefined) return true;
    if (!Array.isArray(rules)) return false;
    const present = typeof attributes === 'object' && attributes !== null ? attributes : null;
    for (let i = 0; i < rules.length; i++) {
      if (!matchesRule(rules[i], present)) return false;
    }
    return true;
  } catch {
    return false;
  }
}

function matchesRule(rule: unknown, attributes: Attributes | null): boolean {
  if (typeof rule !== 'object' || rule === null) return false;
  const { attribute, operator, values } = rule as Partial<TargetingRule>;
  if (typeof attribute !== 'string' || !Array.isArray(values)) return false;
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] !== 'string') return false;
  }
  const value =
    attributes !== null && hasOwnProperty.call(attributes, attribute) ? attributes[attribute] : undefined;
  const missing = value === null || value === undefined;
  switch (operator) {
    case 'equals':
      return !missing && anyMatches(EQUALS, value, values);
    case 'contains':
      return !missing && anyMatches(CONTAINS, value, values);
    case 'starts_with':
      return !missing && anyMatches(STARTS_WITH, value, values);
    case 'ends_with':
      return !missing && anyMatches(ENDS_WITH, value, values);
    case 'not_equals':
      return missing || !anyMatches(EQUALS, value, values);
    case 'not_contains':
      return missing || !anyMatches(CONTAINS, value, values);
    default:
      return false;
  }
}

function anyMatches(comparison: number, value: unknown, values: readonly string[]): boolean {
  const actual = String(value).toLowerCase();
  for (let i = 0; i < values.length; i++) {
    if (compare(comparison, actual, (values[i] as string).toLowerCase())) return true;
  }
  return false;
}

function compare(comparison: number, actual: string, expected: string): boolean {
  switch (comparison) {
    case EQUALS:
      return actual === expected;
    case CONTAINS:
      return actual.includes(expected);
    case STARTS_WITH:
      return actual.startsWith(expected);
    default:
      return actual.endsWith(expected);
  }
}

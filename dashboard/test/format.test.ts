import { describe, expect, it } from 'vitest';
import {
  daysBetween,
  formatCurrency,
  formatDate,
  formatDateTime,
  formatInteger,
  formatInterval,
  formatLift,
  formatNumber,
  formatPercent,
  formatPValue,
  formatReadablePercent,
  formatShortDay,
  formatSignedCurrency,
} from '../src/format.ts';

// German separates number and unit with a no-break space (U+00A0), as CLDR prescribes.
const nbsp = '\u00a0';

describe('formatInteger', () => {
  it('groups thousands with a comma in English and a dot in German', () => {
    expect(formatInteger(1234567, 'en')).toBe('1,234,567');
    expect(formatInteger(1234567, 'de')).toBe('1.234.567');
  });

  it('prints a dash for a missing value instead of 0 or NaN', () => {
    expect(formatInteger(null, 'en')).toBe('—');
    expect(formatInteger(Number.NaN, 'de')).toBe('—');
  });
});

describe('formatNumber', () => {
  it('rounds to the given decimals with the locale decimal separator', () => {
    expect(formatNumber(1234.5678, 'en')).toBe('1,234.57');
    expect(formatNumber(1234.5678, 'de')).toBe('1.234,57');
  });
});

describe('formatPercent', () => {
  it('shows a fraction as a percentage with fixed decimals', () => {
    expect(formatPercent(0.04321, 'en', 2)).toBe('4.32%');
    expect(formatPercent(0.04321, 'de', 2)).toBe(`4,32${nbsp}%`);
    expect(formatPercent(0.5, 'en', 0)).toBe('50%');
  });
});

describe('formatLift', () => {
  it('signs a change and leaves zero unsigned', () => {
    expect(formatLift(0.123, 'en')).toBe('+12.3%');
    expect(formatLift(-0.04, 'en')).toBe('-4.0%');
    expect(formatLift(0, 'en')).toBe('0.0%');
    expect(formatLift(0.123, 'de')).toBe(`+12,3${nbsp}%`);
  });
});

describe('formatReadablePercent', () => {
  it('uses no decimals from 10%, one from 1% and two significant digits below, like the decision messages', () => {
    expect(formatReadablePercent(0.1234, 'en')).toBe('12%');
    expect(formatReadablePercent(0.0432, 'en')).toBe('4.3%');
    expect(formatReadablePercent(0.00518, 'en')).toBe('0.52%');
    expect(formatReadablePercent(0.0432, 'de')).toBe(`4,3${nbsp}%`);
    expect(formatReadablePercent(0.95, 'de')).toBe(`95${nbsp}%`);
  });
});

describe('formatCurrency', () => {
  it('puts the symbol where the locale puts it', () => {
    expect(formatCurrency(1234.5, 'EUR', 'en')).toBe('€1,234.50');
    expect(formatCurrency(1234.5, 'EUR', 'de')).toBe(`1.234,50${nbsp}€`);
    expect(formatCurrency(-0.5, 'USD', 'en')).toBe('-$0.50');
  });

  it('follows the requested decimals, also for currencies without minor units', () => {
    expect(formatCurrency(1500, 'JPY', 'en', 0)).toBe('¥1,500');
    expect(formatCurrency(77489.19, 'EUR', 'de', 0)).toBe(`77.489${nbsp}€`);
  });

  it('falls back to the number and the code for a code Intl does not accept', () => {
    expect(formatCurrency(2.5, 'EURO', 'en')).toBe('2.5 EURO');
  });
});

describe('formatSignedCurrency', () => {
  it('signs a difference of money', () => {
    expect(formatSignedCurrency(0.12, 'EUR', 'en')).toBe('+€0.12');
    expect(formatSignedCurrency(0.12, 'EUR', 'de')).toBe(`+0,12${nbsp}€`);
  });
});

describe('formatPValue', () => {
  it('shows three decimals and a floor below 0.001', () => {
    expect(formatPValue(0.0412, 'en')).toBe('0.041');
    expect(formatPValue(0.0004, 'en')).toBe('< 0.001');
    expect(formatPValue(0.0004, 'de')).toBe('< 0,001');
  });
});

describe('formatInterval', () => {
  it('joins both ends formatted alike with an en dash', () => {
    expect(formatInterval([0.041, 0.053], (value) => formatPercent(value, 'en', 1))).toBe('4.1% – 5.3%');
    expect(formatInterval([0.041, 0.053], (value) => formatPercent(value, 'de', 1))).toBe(`4,1${nbsp}% – 5,3${nbsp}%`);
    expect(formatInterval(null, String)).toBe('—');
  });
});

describe('formatDate', () => {
  it('writes a date the way each language does', () => {
    const date = new Date(2025, 2, 4, 12, 0);
    expect(formatDate(date, 'en')).toBe('Mar 4, 2025');
    expect(formatDate(date, 'de')).toBe('04.03.2025');
  });

  it('reads an ISO day as that calendar day whatever the time zone', () => {
    expect(formatDate('2025-03-04', 'en')).toBe('Mar 4, 2025');
    expect(formatShortDay('2025-03-04', 'en')).toBe('Mar 4');
    expect(formatShortDay('2025-03-04', 'de')).toBe('4. März');
  });

  it('adds the time in the locale clock: 12-hour in English, 24-hour in German', () => {
    const date = new Date(2025, 2, 4, 15, 5);
    // ICU versions differ in the space before PM (U+0020 or U+202F).
    expect(formatDateTime(date, 'en').replace(/\s/g, ' ')).toBe('Mar 4, 2025, 3:05 PM');
    expect(formatDateTime(date, 'de')).toBe('04.03.2025, 15:05');
  });

  it('prints a dash for a missing or unreadable date', () => {
    expect(formatDate(undefined, 'en')).toBe('—');
    expect(formatDate('not a date', 'de')).toBe('—');
  });
});

describe('daysBetween', () => {
  it('counts whole days and never goes negative', () => {
    expect(daysBetween('2025-03-01T10:00:00Z', '2025-03-04T09:59:59Z')).toBe(2);
    expect(daysBetween('2025-03-04T00:00:00Z', '2025-03-01T00:00:00Z')).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { formatMoney, formatPercent } from '../../src/stats/format.ts';

describe('formatPercent', () => {
  it('rounds to what a marketer reads', () => {
    expect(formatPercent(0.1234)).toBe('12%');
    expect(formatPercent(0.0432)).toBe('4.3%');
    expect(formatPercent(0.04)).toBe('4%');
    expect(formatPercent(0.00518)).toBe('0.52%');
    expect(formatPercent(-0.114)).toBe('-11%');
    expect(formatPercent(0)).toBe('0%');
  });
});

describe('formatMoney', () => {
  it('uses the currency code through Intl', () => {
    expect(formatMoney(2.3, { currency: 'EUR' })).toBe('€2.30');
    expect(formatMoney(1, { currency: 'EUR' }, true)).toBe('€1');
    expect(formatMoney(-0.125, { currency: 'USD' })).toBe('-$0.13');
  });

  it('prefers a literal symbol and falls back to the bare number', () => {
    expect(formatMoney(2.3, { currency: 'EUR', currencySymbol: 'kr ' })).toBe('kr 2.30');
    expect(formatMoney(2.3)).toBe('2.30');
  });
});

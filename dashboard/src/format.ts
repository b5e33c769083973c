/**
 * Every number, amount and date the dashboard shows goes through these helpers, so English
 * and German differ only in the locale handed to Intl. A missing value (null, undefined,
 * NaN) prints as an em dash rather than "0" or "NaN".
 */

export type Locale = 'en' | 'de';
export type Interval = readonly [lower: number, upper: number];

export const MISSING = '—';

const cache = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const id = `${locale}|${JSON.stringify(options)}`;
  let format = cache.get(id);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    cache.set(id, format);
  }
  return format;
}

const present = (value: number | null | undefined): value is number => typeof value === 'number' && Number.isFinite(value);

/** Whole numbers with grouping: 12,345 (en), 12.345 (de). */
export function formatInteger(value: number | null | undefined, locale: Locale): string {
  return present(value) ? numberFormat(locale, { maximumFractionDigits: 0 }).format(value) : MISSING;
}

/** A plain number with up to `digits` decimals. */
export function formatNumber(value: number | null | undefined, locale: Locale, digits = 2): string {
  return present(value) ? numberFormat(locale, { maximumFractionDigits: digits }).format(value) : MISSING;
}

/** A fraction as a percentage with exactly `digits` decimals: 0.0432 → 4.32% (en), 4,32 % (de). */
export function formatPercent(fraction: number | null | undefined, locale: Locale, digits = 1): string {
  if (!present(fraction)) return MISSING;
  return numberFormat(locale, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(fraction);
}

/** A change as a signed percentage: +12.3%, −4.0%, 0.0%. */
export function formatLift(fraction: number | null | undefined, locale: Locale, digits = 1): string {
  if (!present(fraction)) return MISSING;
  return numberFormat(locale, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits, signDisplay: 'exceptZero' }).format(fraction);
}

/**
 * A percentage rounded the way people read it in a sentence, as the decision messages do:
 * no decimals from 10%, one from 1%, two significant digits below (0.52%).
 */
export function formatReadablePercent(fraction: number | null | undefined, locale: Locale, signed = false): string {
  if (!present(fraction)) return MISSING;
  const magnitude = Math.abs(fraction * 100);
  const sign: Intl.NumberFormatOptions = signed ? { signDisplay: 'exceptZero' } : {};
  if (magnitude >= 9.5) return numberFormat(locale, { style: 'percent', maximumFractionDigits: 0, ...sign }).format(fraction);
  if (magnitude >= 0.995) return numberFormat(locale, { style: 'percent', maximumFractionDigits: 1, ...sign }).format(fraction);
  if (magnitude === 0) return numberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(0);
  return numberFormat(locale, { style: 'percent', maximumSignificantDigits: 2, ...sign }).format(fraction);
}

/** Money in the experiment's currency: €1,234.50 (en), 1.234,50 € (de). */
export function formatCurrency(amount: number | null | undefined, currency: string, locale: Locale, digits = 2): string {
  if (!present(amount)) return MISSING;
  try {
    return numberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(amount);
  } catch {
    return `${formatNumber(amount, locale, digits)} ${currency}`;
  }
}

/** A signed amount of money, for differences: +€0.12, −€1.50. */
export function formatSignedCurrency(amount: number | null | undefined, currency: string, locale: Locale, digits = 2): string {
  if (!present(amount)) return MISSING;
  try {
    return numberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits, signDisplay: 'exceptZero' }).format(amount);
  } catch {
    return `${amount > 0 ? '+' : ''}${formatNumber(amount, locale, digits)} ${currency}`;
  }
}

/** A p-value with three decimals, or "< 0.001" (en) / "< 0,001" (de) below that. */
export function formatPValue(value: number | null | undefined, locale: Locale): string {
  if (!present(value)) return MISSING;
  const three = numberFormat(locale, { minimumFractionDigits: 3, maximumFractionDigits: 3 });
  return value < 0.001 ? `< ${three.format(0.001)}` : three.format(value);
}

/** An interval as "lower – upper", each end formatted by `format`. */
export function formatInterval(interval: Interval | null | undefined, format: (value: number) => string): string {
  if (!interval || !present(interval[0]) || !present(interval[1])) return MISSING;
  return `${format(interval[0])} – ${format(interval[1])}`;
}

/** A calendar date: Mar 4, 2025 (en), 04.03.2025 (de). ISO day strings (2025-03-04) are read as that day, not shifted by the time zone. */
export function formatDate(value: string | Date | null | undefined, locale: Locale): string {
  const date = toDate(value);
  if (!date) return MISSING;
  const dayOnly = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', ...(dayOnly ? { timeZone: 'UTC' } : {}) }).format(date);
}

/** A short day label for chart axes: Mar 4 (en), 4. März (de). */
export function formatShortDay(value: string | Date | null | undefined, locale: Locale): string {
  const date = toDate(value);
  if (!date) return MISSING;
  const dayOnly = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', ...(dayOnly ? { timeZone: 'UTC' } : {}) }).format(date);
}

/** Date and time: Mar 4, 2025, 10:00 AM (en), 04.03.2025, 10:00 (de). */
export function formatDateTime(value: string | Date | null | undefined, locale: Locale): string {
  const date = toDate(value);
  if (!date) return MISSING;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** Time of day with seconds, for "updated at". */
export function formatTime(value: Date, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { timeStyle: 'medium' }).format(value);
}

function toDate(value: string | Date | null | undefined): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Whole days between two instants, rounded down, never negative. */
export function daysBetween(start: string | Date, end: string | Date): number {
  const from = toDate(start);
  const to = toDate(end);
  if (!from || !to) return 0;
  return Math.max(0, Math.floor((to.getTime() - from.getTime()) / 86_400_000));
}

/**
 * Number formatting for decision messages: percentages rounded to what a marketer can
 * read (0 decimals from 10%, 1 decimal from 1%, 2 significant digits below), money with
 * the experiment's currency ("€2.30"; ISO codes through Intl, or a literal symbol).
 */

export interface MoneyFormat {
  /** ISO 4217 code, e.g. "EUR" */
  currency?: string | null;
  /** a literal symbol, e.g. "€"; wins over `currency` */
  currencySymbol?: string | null;
}

/** Formats a fraction as a percentage: 0.1234 → "12%", 0.0432 → "4.3%", 0.00518 → "0.52%". */
export function formatPercent(fraction: number): string {
  const percent = fraction * 100;
  const magnitude = Math.abs(percent);
  let text: string;
  if (magnitude >= 9.5) text = percent.toFixed(0);
  else if (magnitude >= 0.995) text = percent.toFixed(1);
  else if (magnitude === 0) text = '0';
  else text = percent.toPrecision(2);
  text = text.includes('.') ? text.replace(/\.?0+$/, '') : text;
  return `${text === '-0' ? '0' : text}%`;
}

/**
 * Formats an amount of money with two decimals ("€2.30", "-€0.12") — or none when
 * `whole` is set and the amount is whole ("€1"). Without a currency the bare number.
 */
export function formatMoney(amount: number, format: MoneyFormat = {}, whole = false): string {
  const digits = whole && Number.isInteger(amount) ? 0 : 2;
  const sign = amount < 0 && Math.abs(amount) >= 0.005 ? '-' : '';
  const absolute = Math.abs(amount);
  if (format.currencySymbol) return `${sign}${format.currencySymbol}${absolute.toFixed(digits)}`;
  if (format.currency) {
    try {
      const text = new Intl.NumberFormat('en', {
        style: 'currency',
        currency: format.currency,
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      }).format(absolute);
      return `${sign}${text}`;
    } catch {
      return `${sign}${absolute.toFixed(digits)} ${format.currency}`;
    }
  }
  return `${sign}${absolute.toFixed(digits)}`;
}

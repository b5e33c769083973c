import { formatMoney, formatPercent, type Interval } from '../stats/index.ts';
import type { ReportSummary, ReportVariant } from './report-summary.ts';

const NONE = '—';

/** Text that Markdown would read as markup or as a table's cell boundary, made literal and kept on one line. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[\\`*_[\]<>|#]/g, (character) => `\\${character}`);
}

/**
 * A rate or lift for the table, precise enough that an interval is not collapsed by
 * rounding: 1 decimal from 10%, 2 from 1%, two significant digits below.
 */
export function formatRate(value: number): string {
  const percent = value * 100;
  const magnitude = Math.abs(percent);
  const text = magnitude >= 10 ? percent.toFixed(1) : magnitude >= 1 ? percent.toFixed(2) : magnitude === 0 ? '0' : percent.toPrecision(2);
  return `${text === '-0' ? '0' : text}%`;
}

/** A probability, with the tails spelled out: "> 99.99%", "99.98%", "72.0%", "< 0.01%". */
export function formatProbability(value: number | null | undefined): string {
  if (value == null) return NONE;
  if (value > 0.9999) return '> 99.99%';
  if (value < 0.0001) return '< 0.01%';
  return `${(value * 100).toFixed(value >= 0.99 || value <= 0.01 ? 2 : 1)}%`;
}

const rate = (value: number | null | undefined) => (value == null ? NONE : formatRate(value));
const signedRate = (value: number | null | undefined) => (value == null ? NONE : `${value > 0 ? '+' : ''}${formatRate(value)}`);
const rateInterval = (interval: Interval | null | undefined) =>
  interval == null ? '' : ` (${formatRate(interval[0])} to ${formatRate(interval[1])})`;
const signedPercent = (value: number | null | undefined) =>
  value == null ? NONE : `${value > 0 && formatPercent(value) !== '0%' ? '+' : ''}${formatPercent(value)}`;

/** A p-value to two significant digits, "< 0.0001" below that. */
export function formatPValue(value: number | null | undefined): string {
  if (value == null) return NONE;
  if (value < 0.0001) return '< 0.0001';
  return String(Number(value.toPrecision(2)));
}

function moneyFormatter(currency: string | null): (amount: number | null | undefined) => string {
  const format = currency === null ? {} : /^[A-Z]{3}$/.test(currency) ? { currency } : { currencySymbol: currency };
  return (amount) => (amount == null ? NONE : formatMoney(amount, format));
}

function srmLine(summary: ReportSummary): string {
  const { srm } = summary;
  if (srm.pValue === null) return 'Sample ratio: not enough visitors to check the split yet.';
  if (srm.mismatch) {
    return `**Sample ratio mismatch** (p ${formatPValue(srm.pValue).startsWith('<') ? '' : '= '}${formatPValue(srm.pValue)}): visitors are not split the way the weights say.`;
  }
  return `Sample ratio: p = ${formatPValue(srm.pValue)}, the split matches the weights.`;
}

function row(variant: ReportVariant, money: (amount: number | null | undefined) => string): string[] {
  const vs = variant.vsControl;
  const name = escapeMarkdown(variant.key) + (variant.control ? ' (control)' : '');
  return [
    name,
    variant.visitors.toLocaleString('en'),
    variant.conversions.toLocaleString('en'),
    rate(variant.conversionRate) + (variant.conversionRate === null ? '' : rateInterval(variant.conversionRateCI)),
    vs === null ? NONE : signedRate(vs.relativeLift) + (vs.relativeLift === null ? '' : rateInterval(vs.relativeLiftCI)),
    formatPValue(vs?.pValue),
    formatPValue(vs?.adjustedSequentialPValue),
    formatProbability(vs?.chanceToBeatControl),
    money(variant.revenuePerVisitor),
    vs === null || vs.revenuePerVisitorDiff === null
      ? NONE
      : money(vs.revenuePerVisitorDiff) +
        (vs.revenuePerVisitorDiffCI === null ? '' : ` (${money(vs.revenuePerVisitorDiffCI[0])} to ${money(vs.revenuePerVisitorDiffCI[1])})`),
    signedPercent(variant.romi.romi),
  ];
}

/**
 * A summary as Markdown for an analyst's notes or a ticket: a title, the decision, the
 * sample ratio check and a table of the key figures. Intervals are at 1 − alpha; the
 * decision rests on the sequential p-value, so that is the one in the table next to the
 * classic p-value.
 */
export function toMarkdown(summary: ReportSummary): string {
  const level = `${Number(((1 - summary.settings.alpha) * 100).toPrecision(4))}%`;
  const money = moneyFormatter(summary.settings.currency);
  const header = [
    'Variant',
    'Visitors',
    'Conversions',
    `Conversion rate (${level} CI)`,
    `Lift vs control (${level} CI)`,
    'p-value',
    'Sequential p (adjusted)',
    'Chance to beat control',
    'Revenue per visitor',
    `Revenue per visitor vs control (${level} CI)`,
    'ROMI',
  ];
  const numeric = new Set([1, 2, 5, 6, 7, 8, 10]);
  const table = [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, index) => (numeric.has(index) ? '---:' : '---')).join(' | ')} |`,
    ...summary.variants.map((variant) => `| ${row(variant, money).join(' | ')} |`),
  ];
  const title = `# ${escapeMarkdown(summary.experiment)}: ${escapeMarkdown(summary.goal)}${summary.phase === undefined ? '' : `, phase ${summary.phase}`}`;
  const decision = `**Decision: ${summary.decision.status.replace('_', ' ')}.** ${escapeMarkdown(summary.decision.message)}`;
  return [title, '', decision, '', srmLine(summary), '', ...table, ''].join('\n');
}

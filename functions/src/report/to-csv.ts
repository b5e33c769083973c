import type { ReportSummary, ReportVariant } from './report-summary.ts';

type Cell = string | number | boolean | null | undefined;

interface Column {
  name: string;
  value: (variant: ReportVariant, summary: ReportSummary) => Cell;
}

const lower = (interval: [number, number] | null | undefined) => interval?.[0];
const upper = (interval: [number, number] | null | undefined) => interval?.[1];

/** The key figures, one column each; an interval becomes its `…Lower` and `…Upper` bounds. */
const COLUMNS: Column[] = [
  { name: 'experiment', value: (_, summary) => summary.experiment },
  { name: 'phase', value: (_, summary) => summary.phase },
  { name: 'goal', value: (_, summary) => summary.goal },
  { name: 'variant', value: (variant) => variant.key },
  { name: 'control', value: (variant) => variant.control },
  { name: 'visitors', value: (variant) => variant.visitors },
  { name: 'conversions', value: (variant) => variant.conversions },
  { name: 'conversionRate', value: (variant) => variant.conversionRate },
  { name: 'conversionRateLower', value: (variant) => lower(variant.conversionRateCI) },
  { name: 'conversionRateUpper', value: (variant) => upper(variant.conversionRateCI) },
  { name: 'absoluteLift', value: (variant) => variant.vsControl?.absoluteLift },
  { name: 'absoluteLiftLower', value: (variant) => lower(variant.vsControl?.absoluteLiftCI) },
  { name: 'absoluteLiftUpper', value: (variant) => upper(variant.vsControl?.absoluteLiftCI) },
  { name: 'relativeLift', value: (variant) => variant.vsControl?.relativeLift },
  { name: 'relativeLiftLower', value: (variant) => lower(variant.vsControl?.relativeLiftCI) },
  { name: 'relativeLiftUpper', value: (variant) => upper(variant.vsControl?.relativeLiftCI) },
  { name: 'pValue', value: (variant) => variant.vsControl?.pValue },
  { name: 'adjustedPValue', value: (variant) => variant.vsControl?.adjustedPValue },
  { name: 'sequentialPValue', value: (variant) => variant.vsControl?.sequentialPValue },
  { name: 'adjustedSequentialPValue', value: (variant) => variant.vsControl?.adjustedSequentialPValue },
  { name: 'chanceToBeatControl', value: (variant) => variant.vsControl?.chanceToBeatControl },
  { name: 'expectedLoss', value: (variant) => variant.vsControl?.expectedLoss },
  { name: 'revenuePerVisitor', value: (variant) => variant.revenuePerVisitor },
  { name: 'revenuePerVisitorDiff', value: (variant) => variant.vsControl?.revenuePerVisitorDiff },
  { name: 'revenuePerVisitorDiffLower', value: (variant) => lower(variant.vsControl?.revenuePerVisitorDiffCI) },
  { name: 'revenuePerVisitorDiffUpper', value: (variant) => upper(variant.vsControl?.revenuePerVisitorDiffCI) },
  { name: 'revenuePValue', value: (variant) => variant.vsControl?.revenuePValue },
  { name: 'romi', value: (variant) => variant.romi.romi },
  { name: 'incrementalNetProfitPerVisitor', value: (variant) => variant.vsControl?.romi.incrementalNetProfitPerVisitor },
  { name: 'incrementalNetProfitPerVisitorLower', value: (variant) => lower(variant.vsControl?.romi.incrementalNetProfitPerVisitorCI) },
  { name: 'incrementalNetProfitPerVisitorUpper', value: (variant) => upper(variant.vsControl?.romi.incrementalNetProfitPerVisitorCI) },
  { name: 'probabilityProfitable', value: (variant) => variant.vsControl?.romi.probabilityProfitable },
];

/** The CSV header's column names, in order. */
export const csvColumns: readonly string[] = COLUMNS.map((column) => column.name);

const CRLF = '\r\n';

/**
 * One cell by RFC 4180: quoted when it holds a comma, a quote, CR or LF, quotes doubled;
 * empty for null. Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR at
 * the start) gets a leading apostrophe (OWASP "CSV injection"); numbers are never changed.
 */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The header line of `toCsv`, with its CRLF. */
export function csvHeader(): string {
  return csvColumns.join(',') + CRLF;
}

/** One CRLF-terminated line per variant, without the header: for several summaries under one header. */
export function toCsvRows(summary: ReportSummary): string {
  return summary.variants.map((variant) => COLUMNS.map((column) => csvCell(column.value(variant, summary))).join(',') + CRLF).join('');
}

/** A summary as CSV (RFC 4180, CRLF line ends): the header, then one row of key figures per variant. */
export function toCsv(summary: ReportSummary): string {
  return csvHeader() + toCsvRows(summary);
}

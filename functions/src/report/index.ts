/** Analyst exports of a result summary, shared by the results API and the `upshot` CLI. */
export type { ReportSummary, ReportVariant } from './report-summary.ts';
export { csvCell, csvColumns, csvHeader, toCsv, toCsvRows } from './to-csv.ts';
export { escapeMarkdown, formatProbability, formatPValue, formatRate, toMarkdown } from './to-markdown.ts';

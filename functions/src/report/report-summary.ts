import type { Decision, Interval, SampleRatioMismatch, SummarySettings, VsControl } from '../stats/index.ts';

/** What a report shows of a variant: satisfied by the engine's summary and by the results API's rows. */
export interface ReportVariant {
  key: string;
  control: boolean;
  visitors: number;
  conversions: number;
  conversionRate: number | null;
  conversionRateCI: Interval | null;
  revenuePerVisitor: number | null;
  romi: { romi: number | null };
  vsControl: VsControl | null;
}

/** The part of a result summary the CSV and Markdown reports render; `phase` only for a running experiment's results. */
export interface ReportSummary {
  experiment: string;
  goal: string;
  phase?: number;
  settings: Pick<SummarySettings, 'alpha' | 'currency'>;
  variants: ReportVariant[];
  srm: SampleRatioMismatch;
  decision: Decision;
}

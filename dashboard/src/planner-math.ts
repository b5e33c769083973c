/**
 * The planner's arithmetic: the statistics engine's own planning functions, bundled into a
 * chunk of their own (they bring jstat's quantile along) that loads with the editor.
 */
import { planSampleSize } from '../../functions/src/stats/sample-size.ts';
import { sequentialSampleSize } from '../../functions/src/stats/sequential-sample-size.ts';

export interface Plan {
  /** fixed-horizon visitors per variant (R's power.prop.test) */
  visitorsPerVariant: number;
  /** visitors per variant for the peeking-safe test the decisions use; an upper bound, it may stop earlier */
  sequentialPerVariant: number | null;
  totalVisitors: number;
  days: number | null;
  sequentialDays: number | null;
}

/**
 * Visitors per variant to detect a relative lift of `mde` over `baseline` with 80% power, with
 * α split over the comparisons as the engine does (Bonferroni); days at the traffic that
 * enters the test (daily visitors × coverage). Null when the inputs describe no test.
 */
export function plan(input: { baseline: number; mde: number; dailyVisitors: number | null; variants: number; coverage: number }): Plan | null {
  const comparisons = Math.max(1, input.variants - 1);
  const alpha = 0.05 / comparisons;
  let fixed: number;
  try {
    fixed = planSampleSize({ baseline: input.baseline, mde: input.mde, alpha, variants: input.variants }).visitorsPerVariant;
  } catch {
    return null;
  }
  const sequential = sequentialSampleSize({ baseline: input.baseline, mde: input.mde, alpha });
  const perDay = input.dailyVisitors !== null && input.dailyVisitors > 0 ? input.dailyVisitors * Math.max(0, Math.min(1, input.coverage)) : 0;
  const days = (perVariant: number | null) => (perVariant === null || perDay <= 0 ? null : Math.ceil((perVariant * input.variants) / perDay));
  return {
    visitorsPerVariant: fixed,
    sequentialPerVariant: sequential,
    totalVisitors: fixed * input.variants,
    days: days(fixed),
    sequentialDays: days(sequential),
  };
}

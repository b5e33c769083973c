import type { IncrementalRomi } from './result-summary.ts';
import { investment, type Costs } from './costs.ts';
import { normalCdf } from './distributions.ts';
import { welchTTest, type SampleMoments } from './welch-t-test.ts';

export interface ArmEconomics {
  visitors: number;
  conversions: number;
  /** Σ over visitors of each visitor's revenue, in currency units */
  revenue: number;
  /** Σ over visitors of the square of each visitor's revenue */
  revenueSquares: number;
  costs: Costs;
}

export interface IncrementalProfitInput {
  control: ArmEconomics;
  variant: ArmEconomics;
  margin: number;
  alpha?: number;
  visitorsPerMonth?: number | null;
}

/**
 * Moments of a visitor's net value y = (m − s)·r − c·k (before the constant −v − F/n),
 * where r is the visitor's revenue and k ∈ {0, 1} whether they converted. Because
 * revenue only comes with a conversion, r·k = r and k² = k, so
 * Σy = (m − s)·R − c·x and Σy² = (m − s)²·Σr² − 2(m − s)·c·R + c²·x, exactly.
 */
export function netValueMoments(arm: ArmEconomics, margin: number): SampleMoments {
  const perRevenue = margin - arm.costs.revenueShare;
  const perConversion = arm.costs.perConversion;
  return {
    count: arm.visitors,
    sum: perRevenue * arm.revenue - perConversion * arm.conversions,
    sumOfSquares:
      perRevenue * perRevenue * arm.revenueSquares -
      2 * perRevenue * perConversion * arm.revenue +
      perConversion * perConversion * arm.conversions,
  };
}

/**
 * Incremental net profit per visitor of the variant over the control,
 * Δ = ȳ_B − ȳ_A with a visitor's net value y = (m − s)·revenue − c·converted − v and the
 * fixed cost spread over the arm (F/n subtracted from the mean); interval by Welch's
 * t (see `welchTTest`); P(Δ > 0) = Φ(Δ/SE) under the normal approximation;
 * incremental ROMI = Δ / (I_B/n_B − I_A/n_A), the net return on the extra investment per
 * visitor (null unless the variant invests more per visitor); projected monthly profit
 * = Δ × visitors per month at full rollout, with the interval scaled the same way.
 * Reference: Welch (1947); Farris et al., Marketing Metrics (2010), ch. 9.
 */
export function incrementalProfit({
  control,
  variant,
  margin,
  alpha = 0.05,
  visitorsPerMonth = null,
}: IncrementalProfitInput): IncrementalRomi {
  const welch = welchTTest(netValueMoments(control, margin), netValueMoments(variant, margin), alpha);
  const empty: IncrementalRomi = {
    status: welch.status,
    incrementalNetProfitPerVisitor: null,
    incrementalNetProfitPerVisitorCI: null,
    probabilityProfitable: null,
    incrementalRomi: null,
    projectedMonthlyProfit: null,
    projectedMonthlyProfitCI: null,
  };
  if (welch.difference === null) return empty;
  const constant = (arm: ArmEconomics): number => arm.costs.perVisitor + arm.costs.fixed / arm.visitors;
  const shift = constant(control) - constant(variant);
  const delta = welch.difference + shift;
  const investmentPerVisitor = (arm: ArmEconomics): number =>
    investment(arm.costs, arm.visitors, arm.conversions, arm.revenue) / arm.visitors;
  const extraInvestment = investmentPerVisitor(variant) - investmentPerVisitor(control);
  const month = visitorsPerMonth !== null && visitorsPerMonth > 0 ? visitorsPerMonth : null;
  const interval = welch.interval === null ? null : ([welch.interval[0] + shift, welch.interval[1] + shift] as const);
  return {
    status: welch.status,
    incrementalNetProfitPerVisitor: delta,
    incrementalNetProfitPerVisitorCI: interval === null ? null : [interval[0], interval[1]],
    probabilityProfitable: welch.standardError === null ? null : normalCdf(delta / welch.standardError),
    incrementalRomi: extraInvestment > 0 && Number.isFinite(delta / extraInvestment) ? delta / extraInvestment : null,
    projectedMonthlyProfit: month === null ? null : delta * month,
    projectedMonthlyProfitCI: month === null || interval === null ? null : [interval[0] * month, interval[1] * month],
  };
}

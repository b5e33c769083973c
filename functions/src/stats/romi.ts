import type { VariantRomi } from './result-summary.ts';
import { investment, type Costs } from './costs.ts';

export interface RomiInput {
  visitors: number;
  conversions: number;
  /** revenue R in currency units */
  revenue: number;
  costs: Costs;
  /** gross margin m on revenue, 0–1 */
  margin: number;
}

/**
 * Return on marketing investment of one variant: investment I = F + v·n + c·x + s·R,
 * gross profit m·R, ROMI = (m·R − I)/I (the gross profit the variant's revenue earns per
 * unit invested, net of the investment). ROMI is null with `insufficient_data` when
 * nothing was invested (I = 0, e.g. no costs configured) or so little that the ratio overflows.
 * Reference: Farris et al., Marketing Metrics (2nd ed., 2010), ch. 9 ("Return on
 * Marketing Investment"); the cost model is this project's (issue 3, item 9).
 */
export function variantRomi({ visitors, conversions, revenue, costs, margin }: RomiInput): VariantRomi {
  const invested = investment(costs, visitors, conversions, revenue);
  const grossProfit = margin * revenue;
  const romi = (grossProfit - invested) / invested;
  if (!(invested > 0 && Number.isFinite(romi))) return { status: 'insufficient_data', investment: invested, grossProfit, romi: null };
  return { status: 'ok', investment: invested, grossProfit, romi };
}

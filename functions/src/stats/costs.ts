/**
 * Marketing costs of one variant, in currency units: a fixed amount, an amount per
 * visitor shown the variant, an amount per conversion (e.g. a voucher's face value) and
 * a share of revenue (e.g. a percentage discount). All zero when not given.
 */
export interface Costs {
  fixed: number;
  perVisitor: number;
  perConversion: number;
  revenueShare: number;
}

export const NO_COSTS: Costs = { fixed: 0, perVisitor: 0, perConversion: 0, revenueShare: 0 };

/** Investment I = F + v·n + c·x + s·R for n visitors, x conversions and revenue R. */
export function investment(costs: Costs, visitors: number, conversions: number, revenue: number): number {
  return costs.fixed + costs.perVisitor * visitors + costs.perConversion * conversions + costs.revenueShare * revenue;
}

import * as z from 'zod';

const count = z.number().int('must be a whole number').min(0, 'must not be negative').max(1e12, 'must be at most 1e12');
const amount = z.number().finite().min(-1e15).max(1e15);
const isCount = (value: number) => Number.isInteger(value) && value >= 0 && value <= 1e12;
const share = z.number().finite().min(0).max(1);
const stageCounts = z.record(z.string().min(1), count);

/** Marketing costs of a variant in currency units; a cost left out is 0. */
const costsSchema = z.strictObject({
  fixed: amount.min(0).default(0),
  perVisitor: amount.min(0).default(0),
  perConversion: amount.min(0).default(0),
  revenueShare: share.default(0),
});

const variantSchema = z
  .strictObject({
    key: z.string().min(1).max(200),
    control: z.boolean().optional(),
    weight: z.number().finite().min(0).max(1e12),
    visitors: count,
    conversions: count,
    /** Σ of per-visitor revenue totals, currency units */
    revenue: amount,
    /** Σ of squared per-visitor revenue totals, currency units² */
    revenueSquares: z.number().finite().min(0).max(1e30),
    abandonments: stageCounts.optional(),
    recovered: stageCounts.optional(),
    costs: costsSchema.optional(),
    history: z.array(z.strictObject({ visitors: count, conversions: count })).max(10_000).optional(),
  })
  .superRefine((variant, context) => {
    const issue = (path: PropertyKey[], message: string) => context.addIssue({ code: 'custom', path, message });
    const counts = [variant.visitors, variant.conversions, ...Object.values(variant.abandonments ?? {}), ...Object.values(variant.recovered ?? {})];
    if (!counts.every(isCount) || !Number.isFinite(variant.revenue) || !(variant.revenueSquares >= 0)) return;
    if (variant.conversions > variant.visitors) {
      issue(['conversions'], `${variant.conversions} conversions exceed ${variant.visitors} visitors`);
    }
    if (variant.revenueSquares * variant.visitors < variant.revenue * variant.revenue * (1 - 1e-9)) {
      issue(['revenueSquares'], 'is smaller than revenue² / visitors, which a sum of squares cannot be: send Σ revenue² over visitors');
    }
    for (const [stage, abandoners] of Object.entries(variant.abandonments ?? {})) {
      if (abandoners > variant.visitors) issue(['abandonments', stage], `${abandoners} abandoners exceed ${variant.visitors} visitors`);
    }
    for (const [stage, recovered] of Object.entries(variant.recovered ?? {})) {
      const abandoners = variant.abandonments?.[stage] ?? 0;
      if (recovered > abandoners) issue(['recovered', stage], `${recovered} recovered exceed ${abandoners} abandoners`);
    }
    variant.history?.forEach((look, index) => {
      if (isCount(look.visitors) && isCount(look.conversions) && look.conversions > look.visitors) issue(['history', index, 'conversions'], 'exceed the visitors of that look');
    });
  });

/**
 * One experiment for `upshot analyze`: the counts per variant for one goal, revenue in
 * currency units, plus the engine's optional settings (docs/statistics.md, Input).
 */
export const analyzeInputSchema = z
  .strictObject({
    experiment: z.string().min(1).max(200),
    goal: z.string().min(1).max(200),
    alpha: z.number().gt(0).lt(1).optional(),
    margin: share.optional(),
    visitorsPerMonth: z.number().finite().min(0).max(1e12).optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'use an ISO 4217 code such as EUR or USD').optional(),
    currencySymbol: z.string().min(1).max(8).optional(),
    mde: z.number().finite().gt(0).max(10).optional(),
    power: z.number().gt(0).lt(1).optional(),
    minimumVisitorsPerVariant: count.optional(),
    dailyVisitors: z.number().finite().min(0).max(1e12).optional(),
    sequentialMixingSd: z.number().finite().gt(0).max(1).optional(),
    variants: z.array(variantSchema).min(1, 'needs at least one variant').max(100),
  })
  .superRefine((input, context) => {
    const keys = input.variants.map((variant) => variant.key);
    keys.forEach((key, index) => {
      if (keys.indexOf(key) !== index) context.addIssue({ code: 'custom', path: ['variants', index, 'key'], message: `"${key}" is used twice` });
    });
  });


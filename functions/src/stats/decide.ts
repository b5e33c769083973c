import type { Decision, Interval, SampleRatioMismatch } from './result-summary.ts';
import { formatMoney, formatPercent, type MoneyFormat } from './format.ts';

/** What the decision needs to know about one non-control variant. */
export interface VariantEvidence {
  key: string;
  visitors: number;
  conversionRate: number | null;
  absoluteLift: number | null;
  relativeLift: number | null;
  relativeLiftCI: Interval | null;
  /** Holm-adjusted always-valid p-value */
  adjustedSequentialPValue: number | null;
  /** the always-valid interval of the absolute lift lies strictly inside ±mde × control rate */
  effectRuledOut: boolean;
  /** Δ net profit per visitor, when costs are configured */
  incrementalNetProfitPerVisitor: number | null;
  /** P(Δ > 0) */
  probabilityProfitable: number | null;
  /** incremental ROMI (Δ per unit of extra investment per visitor) */
  incrementalRomi: number | null;
}

export interface DecisionInput {
  alpha: number;
  /** relative minimum detectable effect */
  mde: number;
  control: { key: string; visitors: number; conversionRate: number | null } | null;
  variants: VariantEvidence[];
  srm: SampleRatioMismatch;
  minimumVisitorsPerVariant: number;
  /** further visitors, all arms together, for the sequential test to detect the mde with the planned power */
  visitorsNeeded: number | null;
  /** current traffic, all arms together */
  dailyVisitors: number | null;
  /** whether any variant has marketing costs (then profit is part of the message) */
  costsConfigured: boolean;
  money: MoneyFormat;
}

/**
 * The plain-language decision, in this order:
 * `srm` — the split does not match the weights (p < 0.001): nothing else is trusted;
 * `collecting` — some arm has fewer than the minimum visitors (or nothing to compare);
 * `winner` — some variant's Holm-adjusted always-valid p-value ≤ alpha with a positive
 *   lift (the largest such lift wins);
 * `loser` — no winner, and some variant is significantly worse by the same rule;
 * `no_difference` — every variant's always-valid interval rules out a change of ±mde;
 * `inconclusive` — otherwise, with the visitors and days still needed.
 * Reference: docs/statistics.md §Decision; Johari et al. (2017) for why the sequential
 * p-value is the one that may be acted on at any look.
 */
export function decide(input: DecisionInput): Decision {
  const { alpha, control, variants, srm } = input;
  const level = `${Math.round((1 - alpha) * 100)}%`;
  if (srm.mismatch) {
    return {
      status: 'srm',
      variant: null,
      message:
        `Visitors are not split the way the weights say (sample ratio mismatch, p ${formatPValue(srm.pValue)}). ` +
        'Results cannot be trusted until the assignment is fixed, so no winner is declared.',
    };
  }
  if (control === null || variants.length === 0) {
    return {
      status: 'collecting',
      variant: null,
      message: 'There is nothing to compare yet: results need a control and at least one other variant.',
    };
  }
  const smallest = Math.min(control.visitors, ...variants.map((variant) => variant.visitors));
  if (smallest < input.minimumVisitorsPerVariant) {
    return withNeeds(input, {
      status: 'collecting',
      variant: null,
      message:
        `Still collecting data: every variant needs at least ${count(input.minimumVisitorsPerVariant)} visitors ` +
        `before its results mean anything (the smallest has ${count(smallest)}).`,
    });
  }
  const significant = variants.filter(
    (variant) => variant.adjustedSequentialPValue !== null && variant.adjustedSequentialPValue <= alpha,
  );
  const winners = significant.filter((variant) => (variant.absoluteLift ?? 0) > 0);
  const losers = significant.filter((variant) => (variant.absoluteLift ?? 0) < 0);
  if (winners.length > 0) {
    const best = winners.reduce((left, right) => ((right.absoluteLift ?? 0) > (left.absoluteLift ?? 0) ? right : left));
    return { status: 'winner', variant: best.key, message: winnerMessage(best, control, input, level) };
  }
  if (losers.length > 0) {
    const worst = losers.reduce((left, right) => ((right.absoluteLift ?? 0) < (left.absoluteLift ?? 0) ? right : left));
    const others = variants.length - losers.length;
    return {
      status: 'loser',
      variant: worst.key,
      message:
        `${name(worst.key)} converts ${liftPhrase(worst, control, level)}. Stop it and keep the control.` +
        (others > 0 ? ' The other variants are not conclusive yet.' : ''),
    };
  }
  if (variants.every((variant) => variant.effectRuledOut)) {
    return {
      status: 'no_difference',
      variant: null,
      message:
        `No variant changes conversion by ${formatPercent(Math.abs(input.mde))} or more compared with the control ` +
        `(always-valid ${level} intervals). Keep the control, or test a bolder change.`,
    };
  }
  const leader = variants.reduce((left, right) => ((right.absoluteLift ?? -Infinity) > (left.absoluteLift ?? -Infinity) ? right : left));
  const described = leader.absoluteLift === null ? '' : ` ${name(leader.key)} converts ${liftPhrase(leader, control, level)} so far.`;
  return withNeeds(input, {
    status: 'inconclusive',
    variant: null,
    message: `No clear difference yet.${described} Keep the test running before acting on it.`,
  });
}

function winnerMessage(
  best: VariantEvidence,
  control: NonNullable<DecisionInput['control']>,
  input: DecisionInput,
  level: string,
): string {
  const base = `${name(best.key)} converts ${liftPhrase(best, control, level)}`;
  if (!input.costsConfigured || best.incrementalNetProfitPerVisitor === null) return `${base}. Safe to roll out.`;
  const perVisitor = best.incrementalNetProfitPerVisitor;
  if (perVisitor < 0 && (best.probabilityProfitable ?? 0) < 0.5) {
    return (
      `${base}, but after its marketing costs it loses ${formatMoney(-perVisitor, input.money)} per visitor ` +
      `(chance it pays off: ${formatPercent(best.probabilityProfitable ?? 0)}). Roll out only if the extra conversions are worth that.`
    );
  }
  const earns =
    best.incrementalRomi === null
      ? `and adds ${formatMoney(perVisitor, input.money)} of net profit per visitor`
      : `and earns ${formatMoney(best.incrementalRomi + 1, input.money)} of gross profit per ${formatMoney(1, input.money, true)} of marketing cost`;
  return `${base} ${earns}. Safe to roll out.`;
}

function liftPhrase(variant: VariantEvidence, control: NonNullable<DecisionInput['control']>, level: string): string {
  const lift = variant.relativeLift;
  if (lift === null) {
    return `at ${formatPercent(variant.conversionRate ?? 0)} against the control's ${formatPercent(control.conversionRate ?? 0)}`;
  }
  const direction = lift >= 0 ? 'better' : 'worse';
  const interval = variant.relativeLiftCI;
  const range = interval === null ? '' : ` (${level} CI ${formatPercent(interval[0])} to ${formatPercent(interval[1])})`;
  return `${formatPercent(Math.abs(lift))} ${direction} than the control${range}`;
}

function withNeeds(input: DecisionInput, decision: Decision): Decision {
  if (input.visitorsNeeded === null || input.visitorsNeeded <= 0) return decision;
  const daysNeeded =
    input.dailyVisitors !== null && input.dailyVisitors > 0 ? Math.ceil(input.visitorsNeeded / input.dailyVisitors) : null;
  const when = daysNeeded === null ? '' : ` (about ${count(daysNeeded)} ${daysNeeded === 1 ? 'day' : 'days'} at current traffic)`;
  return {
    ...decision,
    message:
      `${decision.message} About ${count(input.visitorsNeeded)} more visitors${when} are needed to detect a ` +
      `${formatPercent(Math.abs(input.mde))} change.`,
    visitorsNeeded: input.visitorsNeeded,
    ...(daysNeeded === null ? {} : { daysNeeded }),
  };
}

function name(key: string): string {
  return `Variant "${key}"`;
}

/** 12400 → "12,400" (Intl is slow enough to show up when summarizing 10,000 experiments). */
function count(value: number): string {
  return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function formatPValue(pValue: number | null): string {
  if (pValue === null) return 'unknown';
  return pValue < 0.0001 ? '< 0.0001' : `= ${pValue.toPrecision(2)}`;
}

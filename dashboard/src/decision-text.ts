import type { Experiment, ResultsDocument, VariantResult } from './api-types.ts';
import { formatCurrency, formatPValue, formatReadablePercent, type Locale } from './format.ts';
import { translate, translatePlural } from './i18n.tsx';

export interface DecisionText {
  headline: string;
  body: string;
  /** "About 12,000 more visitors (about 6 days at current traffic) are needed …" */
  needs: string | null;
}

/**
 * The decision banner in the reader's language. The engine's `decision.message` is English;
 * this builds the same sentences from the document's structured fields (status, variant,
 * lifts, intervals, profit, visitors and days needed), so German reads as naturally and every
 * number is formatted for the locale. The call itself is the engine's, never re-decided here.
 */
export function decisionText(results: ResultsDocument, experiment: Pick<Experiment, 'costs'> | undefined, locale: Locale): DecisionText {
  const t = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate(locale, key, vars);
  const pct = (value: number | null, signed = false) => formatReadablePercent(value, locale, signed);
  const { decision, settings } = results;
  const level = pct(1 - settings.alpha);
  const control = results.variants.find((variant) => variant.control) ?? results.variants[0];
  const challengers = results.variants.filter((variant) => variant !== control);
  const named = (key: string | null) => t('decision.variantName', { key: key ?? '' });

  const liftPhrase = (variant: VariantResult): string => {
    const lift = variant.vsControl?.relativeLift ?? null;
    if (lift === null) {
      return t('decision.ratesPhrase', { rate: pct(variant.conversionRate ?? 0), control: pct(control?.conversionRate ?? 0) });
    }
    const interval = variant.vsControl?.relativeLiftCI ?? null;
    const range = interval ? t('decision.interval', { level, lower: pct(interval[0]), upper: pct(interval[1]) }) : '';
    return t(lift >= 0 ? 'decision.better' : 'decision.worse', { lift: pct(Math.abs(lift)), range });
  };

  let needs: string | null = null;
  if (decision.visitorsNeeded !== undefined && decision.visitorsNeeded > 0) {
    const days = decision.daysNeeded;
    needs = t('decision.needs', {
      visitors: decision.visitorsNeeded,
      when: days === undefined ? '' : t('decision.needsWhen', { days: translatePlural(locale, 'unit.days', days) }),
      mde: pct(Math.abs(settings.mde)),
    });
  }

  const variant = results.variants.find((candidate) => candidate.key === decision.variant);
  switch (decision.status) {
    case 'srm':
      return { headline: t('decision.srmHeadline'), body: t('decision.srmBody', { p: formatPValue(results.srm.pValue, locale) }), needs: null };
    case 'collecting': {
      const smallest = Math.min(...results.variants.map((candidate) => candidate.visitors));
      const body =
        challengers.length === 0 || !control
          ? t('decision.nothingToCompare')
          : t('decision.collectingBody', { minimum: settings.minimumVisitorsPerVariant, smallest: Number.isFinite(smallest) ? smallest : 0 });
      return { headline: t('decision.collectingHeadline'), body, needs };
    }
    case 'winner': {
      if (!variant) break;
      const base = `${named(variant.key)} ${liftPhrase(variant)}`;
      const romi = variant.vsControl?.romi;
      const perVisitor = romi?.incrementalNetProfitPerVisitor ?? null;
      const currency = results.currency;
      let body: string;
      if (!costsConfigured(experiment) || perVisitor === null) body = `${base}. ${t('decision.safe')}`;
      else if (perVisitor < 0 && (romi?.probabilityProfitable ?? 0) < 0.5) {
        body = t('decision.winnerLosesMoney', {
          base,
          loss: formatCurrency(-perVisitor, currency, locale),
          chance: pct(romi?.probabilityProfitable ?? 0),
        });
      } else if (romi?.incrementalRomi === null || romi?.incrementalRomi === undefined) {
        body = `${base} ${t('decision.addsProfit', { profit: formatCurrency(perVisitor, currency, locale) })}. ${t('decision.safe')}`;
      } else {
        body = `${base} ${t('decision.earnsPerUnit', {
          gross: formatCurrency(romi.incrementalRomi + 1, currency, locale),
          unit: formatCurrency(1, currency, locale, 0),
        })}. ${t('decision.safe')}`;
      }
      return { headline: t('decision.winnerHeadline', { key: variant.key }), body, needs: null };
    }
    case 'loser': {
      if (!variant) break;
      const others = challengers.filter((candidate) => candidate.key !== variant.key).length;
      const body = `${named(variant.key)} ${liftPhrase(variant)}. ${t('decision.stopIt')}${others > 0 ? ` ${t('decision.othersOpen')}` : ''}`;
      return { headline: t('decision.loserHeadline', { key: variant.key }), body, needs: null };
    }
    case 'no_difference':
      return { headline: t('decision.noDifferenceHeadline'), body: t('decision.noDifferenceBody', { mde: pct(Math.abs(settings.mde)), level }), needs: null };
    case 'inconclusive': {
      const leader = challengers.reduce<VariantResult | undefined>(
        (best, candidate) => ((candidate.vsControl?.absoluteLift ?? -Infinity) > (best?.vsControl?.absoluteLift ?? -Infinity) ? candidate : best),
        undefined,
      );
      const described = leader && leader.vsControl?.absoluteLift != null ? ` ${t('decision.soFar', { phrase: `${named(leader.key)} ${liftPhrase(leader)}` })}` : '';
      return { headline: t('decision.inconclusiveHeadline'), body: `${t('decision.noClearDifference')}${described} ${t('decision.keepRunning')}`, needs };
    }
  }
  return { headline: t('decision.inconclusiveHeadline'), body: decision.message, needs };
}

/** Whether any variant has a marketing cost: then profit belongs in the decision. */
export function costsConfigured(experiment: Pick<Experiment, 'costs'> | undefined): boolean {
  return Object.values(experiment?.costs ?? {}).some((costs) => Object.values(costs ?? {}).some((value) => typeof value === 'number' && value > 0));
}

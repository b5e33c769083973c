import type { ResultsDocument } from '../api-types.ts';
import { formatCurrency, formatInteger, formatInterval, formatPercent, formatSignedCurrency, MISSING } from '../format.ts';
import { useI18n } from '../i18n.tsx';

/**
 * Does the variant pay back its marketing cost? Investment per variant, the incremental net
 * profit per visitor with its interval, the chance it is positive, and a monthly projection
 * for the traffic the marketer expects (the API's projection when it has one, else
 * Δ × visitors per month, the same scaling as docs/statistics.md §9).
 */
export function RomiCard({
  results,
  hasCosts,
  visitorsPerMonth,
  onVisitorsPerMonth,
}: {
  results: ResultsDocument;
  hasCosts: boolean;
  visitorsPerMonth: number;
  onVisitorsPerMonth: (value: number) => void;
}) {
  const { t, locale } = useI18n();
  const currency = results.currency;
  const money = (value: number) => formatSignedCurrency(value, currency, locale);
  const wholeMoney = (value: number) => formatSignedCurrency(value, currency, locale, 0);
  const challengers = results.variants.filter((variant) => !variant.control);

  return (
    <section class="card romi-card" data-testid="romi-card" aria-labelledby="romi-title">
      <h2 id="romi-title" class="card-title">
        {t('romi.title')}
      </h2>
      {!hasCosts && <p class="muted small">{t('romi.noCosts')}</p>}
      <dl class="investment-list">
        {results.variants.map((variant) => (
          <div>
            <dt>{t('romi.investmentOf', { key: variant.key })}</dt>
            <dd data-field="investment" data-variant={variant.key} data-value={variant.romi.investment}>
              {formatCurrency(variant.romi.investment, currency, locale)}
            </dd>
          </div>
        ))}
      </dl>
      {challengers.map((variant) => {
        const romi = variant.vsControl?.romi;
        const delta = romi?.incrementalNetProfitPerVisitor ?? null;
        const deltaCI = romi?.incrementalNetProfitPerVisitorCI ?? null;
        const projected = romi?.projectedMonthlyProfit ?? (delta === null ? null : delta * visitorsPerMonth);
        const projectedCI = romi?.projectedMonthlyProfitCI ?? (deltaCI ? ([deltaCI[0] * visitorsPerMonth, deltaCI[1] * visitorsPerMonth] as const) : null);
        const positive = delta !== null && delta > 0;
        return (
          <div class="romi-variant" data-variant={variant.key}>
            <h3>{t('romi.vsControl', { key: variant.key })}</h3>
            <div class="stats-grid">
              <div class="stat">
                <span class="stat-label">{t('romi.netProfitPerVisitor')}</span>
                <span class={`stat-value ${delta === null ? '' : positive ? 'good' : 'bad'}`} data-field="incrementalNetProfitPerVisitor" data-value={delta ?? ''}>
                  {delta === null ? MISSING : money(delta)}
                </span>
                <span class="stat-sub">{formatInterval(deltaCI, money)}</span>
              </div>
              <div class="stat">
                <span class="stat-label">{t('romi.chanceProfitable')}</span>
                <span class="stat-value" data-field="probabilityProfitable" data-value={romi?.probabilityProfitable ?? ''}>
                  {formatPercent(romi?.probabilityProfitable, locale, 0)}
                </span>
              </div>
              <div class="stat">
                <span class="stat-label">{t('romi.perUnit', { unit: formatCurrency(1, currency, locale, 0) })}</span>
                <span class="stat-value" data-field="incrementalRomi" data-value={romi?.incrementalRomi ?? ''}>
                  {romi?.incrementalRomi == null ? MISSING : formatCurrency(romi.incrementalRomi + 1, currency, locale)}
                </span>
                <span class="stat-sub">{t('romi.perUnitHelp')}</span>
              </div>
              <div class="stat stat-wide">
                <span class="stat-label">{t('romi.monthly')}</span>
                <span class={`stat-value ${projected === null ? '' : projected > 0 ? 'good' : 'bad'}`} data-field="projectedMonthlyProfit">
                  {projected === null ? MISSING : wholeMoney(projected)}
                </span>
                <span class="stat-sub">{formatInterval(projectedCI, wholeMoney)}</span>
              </div>
            </div>
          </div>
        );
      })}
      <label class="inline-field">
        <span>{t('romi.visitorsPerMonth')}</span>
        <input
          type="number"
          min={0}
          step={1000}
          inputMode="numeric"
          value={visitorsPerMonth}
          onChange={(event) => {
            const value = Number((event.target as HTMLInputElement).value);
            if (Number.isFinite(value) && value >= 0) onVisitorsPerMonth(Math.round(value));
          }}
        />
        <span class="muted small">{t('romi.visitorsPerMonthHint', { visitors: formatInteger(visitorsPerMonth, locale) })}</span>
      </label>
    </section>
  );
}

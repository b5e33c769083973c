import type { Experiment, ResultsDocument, VariantResult } from '../api-types.ts';
import { formatCurrency, formatInteger, formatInterval, formatLift, formatPercent, formatPValue, MISSING } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { variantColor, variantColorIndex } from '../palette.ts';

/**
 * One row per variant with the numbers a decision rests on. Each cell carries the API's raw
 * value in `data-value`, so tests compare what is shown with what the API said.
 */
export function ResultsTable({ results, experiment }: { results: ResultsDocument; experiment: Experiment | undefined }) {
  const { t, locale } = useI18n();
  const currency = results.currency;
  const pct2 = (value: number) => formatPercent(value, locale, 2);
  const lift1 = (value: number) => formatLift(value, locale, 1);
  const raw = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(value));
  const name = (variant: VariantResult) => experiment?.variants.find((candidate) => candidate.key === variant.key)?.name;

  return (
    <div class="table-scroll card">
      <table class="data-table results-table" data-testid="results-table">
        <caption class="visually-hidden">{t('results.tableCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('results.colVariant')}</th>
            <th scope="col" class="num">
              {t('results.colVisitors')}
            </th>
            <th scope="col" class="num">
              {t('results.colConversions')}
            </th>
            <th scope="col" class="num">
              {t('results.colRate')}
            </th>
            <th scope="col" class="num">
              {t('results.colLift')}
            </th>
            <th scope="col" class="num">
              <abbr title={t('results.chanceHelp')}>{t('results.colChance')}</abbr>
            </th>
            <th scope="col" class="num">
              <abbr title={t('results.sequentialHelp')}>{t('results.colSequential')}</abbr>
            </th>
            <th scope="col" class="num">
              {t('results.colRevenuePerVisitor')}
            </th>
            <th scope="col" class="num">
              <abbr title={t('results.romiHelp')}>{t('results.colRomi')}</abbr>
            </th>
          </tr>
        </thead>
        <tbody>
          {results.variants.map((variant, position) => {
            const vs = variant.vsControl;
            const lift = vs?.relativeLift ?? null;
            const liftCI = vs?.relativeLiftCI ?? null;
            const significant = vs?.adjustedSequentialPValue != null && vs.adjustedSequentialPValue <= results.settings.alpha;
            return (
              <tr data-variant={variant.key} class={results.decision.variant === variant.key ? 'row-highlight' : undefined}>
                <th scope="row">
                  <span class="variant-cell">
                    <span class="swatch" style={{ background: variantColor(variantColorIndex(experiment, variant.key, position)) }} aria-hidden="true" />
                    <span>
                      <span class="variant-key">{variant.key}</span>
                      {name(variant) && <span class="variant-name">{name(variant)}</span>}
                      {variant.control && <span class="tag">{t('results.control')}</span>}
                    </span>
                  </span>
                </th>
                <td class="num" data-field="visitors" data-value={variant.visitors}>
                  {formatInteger(variant.visitors, locale)}
                </td>
                <td class="num" data-field="conversions" data-value={variant.conversions}>
                  {formatInteger(variant.conversions, locale)}
                </td>
                <td class="num" data-field="conversionRate" data-value={raw(variant.conversionRate)}>
                  <span class="value">{formatPercent(variant.conversionRate, locale, 2)}</span>
                  <span class="ci" data-field="conversionRateCI" data-value={variant.conversionRateCI?.join(',') ?? ''}>
                    {formatInterval(variant.conversionRateCI, pct2)}
                  </span>
                </td>
                <td class="num" data-field="relativeLift" data-value={raw(lift)}>
                  {variant.control ? (
                    <span class="muted">{t('results.baseline')}</span>
                  ) : (
                    <>
                      <span class={`value lift ${significant ? (lift! > 0 ? 'lift-up' : 'lift-down') : ''}`}>
                        {lift !== null && lift !== 0 && <span aria-hidden="true">{lift > 0 ? '▲ ' : '▼ '}</span>}
                        {formatLift(lift, locale, 1)}
                      </span>
                      <span class="ci" data-field="relativeLiftCI" data-value={liftCI?.join(',') ?? ''}>
                        {formatInterval(liftCI, lift1)}
                      </span>
                    </>
                  )}
                </td>
                <td class="num" data-field="chanceToBeatControl" data-value={raw(vs?.chanceToBeatControl)}>
                  {variant.control ? <span class="muted">{MISSING}</span> : <ChanceBar value={vs?.chanceToBeatControl ?? null} />}
                </td>
                <td class="num" data-field="sequentialPValue" data-value={raw(vs?.sequentialPValue)}>
                  {variant.control ? <span class="muted">{MISSING}</span> : formatPValue(vs?.sequentialPValue, locale)}
                </td>
                <td class="num" data-field="revenuePerVisitor" data-value={raw(variant.revenuePerVisitor)}>
                  {formatCurrency(variant.revenuePerVisitor, currency, locale)}
                </td>
                <td class="num" data-field="romi" data-value={raw(variant.romi.romi)}>
                  {variant.romi.romi === null ? <span class="muted" title={t('results.romiNoCosts')}>{MISSING}</span> : formatLift(variant.romi.romi, locale, 0)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function ChanceBar({ value }: { value: number | null }) {
  const { locale } = useI18n();
  if (value === null) return <span class="muted">{MISSING}</span>;
  return (
    <span class="chance">
      <span class="chance-track" aria-hidden="true">
        <span class="chance-fill" style={{ width: `${Math.round(value * 100)}%` }} />
      </span>
      {formatPercent(value, locale, 0)}
    </span>
  );
}

import { useState } from 'preact/hooks';
import { formatInteger } from '../format.ts';
import { useLazyModule } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';

const number = (text: string) => Number(text.trim().replace(',', '.'));

/**
 * How many visitors and days the test needs: baseline conversion rate, the smallest lift
 * worth detecting and the expected daily traffic in, visitors per variant and days out.
 */
export function Planner({ variants, coverage }: { variants: number; coverage: number }) {
  const { t, tp, locale } = useI18n();
  const math = useLazyModule(() => import('../planner-math.ts'));
  const [baseline, setBaseline] = useState('5');
  const [mde, setMde] = useState('10');
  const [daily, setDaily] = useState('2000');

  const plan = math?.plan({
    baseline: number(baseline) / 100,
    mde: number(mde) / 100,
    dailyVisitors: daily.trim() ? number(daily) : null,
    variants,
    coverage: Number.isFinite(coverage) ? coverage : 1,
  });

  return (
    <section class="card planner" aria-labelledby="planner-title" data-testid="planner">
      <h2 id="planner-title" class="card-title">
        {t('planner.title')}
      </h2>
      <p class="muted small">{t('planner.intro')}</p>
      <div class="field">
        <label for="planner-baseline">{t('planner.baseline')}</label>
        <div class="input-suffix">
          <input id="planner-baseline" inputMode="decimal" value={baseline} onInput={(event) => setBaseline((event.target as HTMLInputElement).value)} aria-describedby="planner-baseline-hint" />
          <span aria-hidden="true">%</span>
        </div>
        <p class="hint" id="planner-baseline-hint">
          {t('planner.baselineHint')}
        </p>
      </div>
      <div class="field">
        <label for="planner-mde">{t('planner.mde')}</label>
        <div class="input-suffix">
          <input id="planner-mde" inputMode="decimal" value={mde} onInput={(event) => setMde((event.target as HTMLInputElement).value)} aria-describedby="planner-mde-hint" />
          <span aria-hidden="true">%</span>
        </div>
        <p class="hint" id="planner-mde-hint">
          {t('planner.mdeHint')}
        </p>
      </div>
      <div class="field">
        <label for="planner-daily">{t('planner.daily')}</label>
        <input id="planner-daily" inputMode="numeric" value={daily} onInput={(event) => setDaily((event.target as HTMLInputElement).value)} />
      </div>
      <div class="planner-result" aria-live="polite" data-testid="planner-result">
        {!math ? (
          <p class="muted small">{t('app.loading')}</p>
        ) : !plan ? (
          <p class="field-error">{t('planner.invalid')}</p>
        ) : (
          <>
            <div class="planner-figure">
              <span class="planner-number" data-value={plan.visitorsPerVariant}>
                {formatInteger(plan.visitorsPerVariant, locale)}
              </span>
              <span>{t('planner.perVariant')}</span>
            </div>
            <p class="small">
              {t('planner.total', { total: formatInteger(plan.totalVisitors, locale), variants })}
              {plan.days !== null && (
                <>
                  {' · '}
                  <strong>{tp('unit.days', plan.days)}</strong>
                </>
              )}
            </p>
            {plan.sequentialPerVariant !== null && (
              <p class="muted small">
                {t('planner.sequential', {
                  visitors: formatInteger(plan.sequentialPerVariant, locale),
                  days: plan.sequentialDays === null ? '' : ` (${tp('unit.days', plan.sequentialDays)})`,
                })}
              </p>
            )}
          </>
        )}
      </div>
    </section>
  );
}

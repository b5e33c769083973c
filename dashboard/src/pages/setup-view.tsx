import type { Experiment } from '../api-types.ts';
import { InstallSnippet } from '../components/install-snippet.tsx';
import { PreviewCard } from '../components/preview-card.tsx';
import { formatCurrency, formatDate, formatPercent } from '../format.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';
import { variantColor } from '../palette.ts';

export const operatorKeys: Record<string, MessageKey> = {
  equals: 'targeting.equals',
  not_equals: 'targeting.notEquals',
  contains: 'targeting.contains',
  not_contains: 'targeting.notContains',
  starts_with: 'targeting.startsWith',
  ends_with: 'targeting.endsWith',
};

/** The definition as a marketer reads it, the phases so far, and the install snippet. */
export function SetupView({ experiment }: { experiment: Experiment }) {
  const { t, locale } = useI18n();
  const currency = experiment.currency;
  return (
    <div class="setup">
      <section class="card" aria-labelledby="variants-title">
        <h2 id="variants-title" class="card-title">
          {t('editor.variants')}
        </h2>
        <div class="preview-grid">
          {experiment.variants.map((variant, index) => (
            <div>
              <PreviewCard payload={variant.payload} variantKey={variant.key} name={variant.name} color={variantColor(index)} />
              <p class="small muted preview-meta">
                {t('setup.weight', { weight: formatPercent(variant.weight, locale, 0) })}
                {variant.control && ` · ${t('results.control')}`}
              </p>
            </div>
          ))}
        </div>
      </section>

      <div class="grid-2">
        <section class="card" aria-labelledby="audience-title">
          <h2 id="audience-title" class="card-title">
            {t('editor.audience')}
          </h2>
          <dl class="facts">
            <dt>{t('editor.coverage')}</dt>
            <dd>{formatPercent(experiment.coverage, locale, 0)}</dd>
            <dt>{t('editor.targeting')}</dt>
            <dd>
              {experiment.targeting.length === 0 ? (
                t('setup.everyone')
              ) : (
                <ul class="plain-list">
                  {experiment.targeting.map((rule) => (
                    <li>
                      <span class="mono">{rule.attribute}</span> {t(operatorKeys[rule.operator] ?? 'targeting.equals')} {rule.values.join(', ')}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
            <dt>{t('editor.goals')}</dt>
            <dd>
              <ul class="plain-list">
                {experiment.goals.map((goal) => (
                  <li>
                    <span class="mono">{goal.key}</span>
                    {goal.name && ` · ${goal.name}`}
                    {goal.primary && <span class="tag">{t('results.primary')}</span>}
                    {goal.revenue && <span class="tag">{t('editor.goalRevenue')}</span>}
                  </li>
                ))}
              </ul>
            </dd>
            <dt>{t('editor.stages')}</dt>
            <dd>{experiment.stages.length ? experiment.stages.join(' → ') : '—'}</dd>
          </dl>
        </section>

        <section class="card" aria-labelledby="costs-title">
          <h2 id="costs-title" class="card-title">
            {t('editor.costs')}
          </h2>
          <div class="table-scroll">
            <table class="data-table compact">
              <thead>
                <tr>
                  <th scope="col">{t('results.colVariant')}</th>
                  <th scope="col" class="num">
                    {t('editor.costFixed')}
                  </th>
                  <th scope="col" class="num">
                    {t('editor.costPerVisitor')}
                  </th>
                  <th scope="col" class="num">
                    {t('editor.costPerConversion')}
                  </th>
                  <th scope="col" class="num">
                    {t('editor.costRevenueShare')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {experiment.variants.map((variant) => {
                  const costs = experiment.costs[variant.key];
                  return (
                    <tr>
                      <th scope="row">{variant.key}</th>
                      <td class="num">{formatCurrency(costs?.fixed ?? 0, currency, locale)}</td>
                      <td class="num">{formatCurrency(costs?.perVisitor ?? 0, currency, locale)}</td>
                      <td class="num">{formatCurrency(costs?.perConversion ?? 0, currency, locale)}</td>
                      <td class="num">{formatPercent(costs?.revenueShare ?? 0, locale, 0)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p class="small">
            {t('editor.margin')}: <strong>{formatPercent(experiment.margin, locale, 0)}</strong> · {t('editor.currency')}: <strong>{currency}</strong>
          </p>
          {experiment.phases.length > 0 && (
            <>
              <h3 class="subheading">{t('setup.phases')}</h3>
              <ul class="plain-list small">
                {experiment.phases.map((phase) => (
                  <li>
                    {t('results.phaseOption', {
                      phase: phase.phase,
                      from: formatDate(phase.startedAt, locale),
                      to: phase.endedAt ? formatDate(phase.endedAt, locale) : t('results.today'),
                    })}{' '}
                    — {phase.variants.map((variant) => `${variant.key} ${formatPercent(variant.weight, locale, 0)}`).join(', ')}
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      </div>

      <InstallSnippet experiment={experiment} />
    </div>
  );
}

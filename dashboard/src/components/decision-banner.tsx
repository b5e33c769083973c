import type { Experiment, ResultsDocument } from '../api-types.ts';
import { decisionText } from '../decision-text.ts';
import { useI18n } from '../i18n.tsx';

const icons: Record<string, string> = {
  winner: '✓',
  loser: '✕',
  srm: '!',
  collecting: '…',
  inconclusive: '≈',
  no_difference: '=',
};

/** The verdict first, in plain language: what to do, and what is still needed. */
export function DecisionBanner({ results, experiment }: { results: ResultsDocument; experiment: Experiment | undefined }) {
  const { locale, t } = useI18n();
  const { headline, body, needs } = decisionText(results, experiment, locale);
  const status = results.decision.status;
  return (
    <section class={`decision decision-${status}`} data-testid="decision" data-status={status} data-variant={results.decision.variant ?? ''} aria-labelledby="decision-headline">
      <div class="decision-icon" aria-hidden="true">
        {icons[status] ?? '•'}
      </div>
      <div>
        <p class="decision-kicker">{t('decision.kicker')}</p>
        <h2 id="decision-headline">{headline}</h2>
        <p class="decision-body">{body}</p>
        {needs && <p class="decision-needs">{needs}</p>}
      </div>
    </section>
  );
}

import { useEffect } from 'preact/hooks';
import type { Experiment } from '../api-types.ts';
import { StatusBadge } from '../components/badges.tsx';
import { ErrorAlert, Loading } from '../components/error-alert.tsx';
import { LifecycleActions } from '../components/lifecycle-actions.tsx';
import { formatDate } from '../format.ts';
import { useResource } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { ResultsView } from './results-view.tsx';
import { SetupView } from './setup-view.tsx';

/** One experiment: its header and lifecycle actions, then results or setup & install. */
export function ExperimentPage({ experimentKey, tab }: { experimentKey: string; tab: 'results' | 'setup' }) {
  const { t, locale } = useI18n();
  const { api } = useSession();
  const path = `/experiments/${encodeURIComponent(experimentKey)}`;
  const resource = useResource(() => api.get<Experiment>(`/v1${path}`), [api, experimentKey]);
  const experiment = resource.data;
  useEffect(() => {
    if (experiment) document.title = `${experiment.name} · Upshot`;
  }, [experiment, locale]);

  if (!experiment) {
    return (
      <section>
        <Breadcrumb />
        {resource.loading ? <Loading /> : <ErrorAlert error={resource.error} onRetry={() => void resource.reload()} />}
      </section>
    );
  }
  const launched = experiment.phase > 0;
  const current = experiment.phases[experiment.phases.length - 1];
  const showResults = tab === 'results' && launched;
  return (
    <section>
      <Breadcrumb />
      <div class="page-header experiment-header">
        <div class="experiment-title">
          <h1>{experiment.name}</h1>
          <div class="meta-line">
            <StatusBadge status={experiment.status} />
            <span class="mono muted">{experiment.key}</span>
            {current && (
              <span class="muted">
                {t('experiment.phaseSince', { phase: experiment.phase, date: formatDate(current.startedAt, locale) })}
              </span>
            )}
            {!launched && <span class="muted">{t('experiment.createdOn', { date: formatDate(experiment.createdAt, locale) })}</span>}
          </div>
          {experiment.hypothesis && <p class="hypothesis">{experiment.hypothesis}</p>}
        </div>
        <LifecycleActions experiment={experiment} onChanged={resource.replace} />
      </div>
      <ErrorAlert error={resource.error} />

      <nav class="tabs" aria-label={t('experiment.sections')}>
        {launched ? (
          <Link href={path} aria-current={showResults ? 'page' : undefined}>
            {t('experiment.tabResults')}
          </Link>
        ) : (
          <span class="tab-disabled" title={t('experiment.notLaunched')}>
            {t('experiment.tabResults')}
          </span>
        )}
        <Link href={`${path}/setup`} aria-current={!showResults ? 'page' : undefined}>
          {t('experiment.tabSetup')}
        </Link>
      </nav>

      {showResults ? <ResultsView experiment={experiment} /> : <SetupView experiment={experiment} />}
    </section>
  );
}

function Breadcrumb() {
  const { t } = useI18n();
  return (
    <p class="breadcrumb">
      <Link href="/">← {t('nav.experiments')}</Link>
    </p>
  );
}

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Experiment, ExperimentStatus, ResultsDocument } from '../api-types.ts';
import { HealthBadge, StatusBadge } from '../components/badges.tsx';
import { ErrorAlert, Loading } from '../components/error-alert.tsx';
import { formatInteger, formatLift } from '../format.ts';
import { useInterval, useResource } from '../hooks.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { daysRunning, goalLabel, health, leadingVariant, primaryGoalKey, totalVisitors } from '../summaries.ts';

const filters: (ExperimentStatus | 'all')[] = ['all', 'running', 'paused', 'draft', 'stopped', 'archived'];
const filterKeys: Record<ExperimentStatus | 'all', MessageKey> = {
  all: 'list.filterAll',
  running: 'status.running',
  paused: 'status.paused',
  draft: 'status.draft',
  stopped: 'status.stopped',
  archived: 'status.archived',
};

type ResultState = { results?: ResultsDocument; failed?: boolean };

export function ExperimentsList() {
  const { t, tp, locale } = useI18n();
  const { api, canEdit } = useSession();
  const { query } = useLocation();
  const status = (query.get('status') ?? 'all') as ExperimentStatus | 'all';
  const search = query.get('q') ?? '';
  const [searchText, setSearchText] = useState(search);
  useEffect(() => void (document.title = `${t('nav.experiments')} · Upshot`), [locale]);

  const list = useResource(() => api.get<{ experiments: Experiment[] }>('/v1/experiments').then((body) => body.experiments), [api]);
  const [results, setResults] = useState<Record<string, ResultState>>({});
  /** The phase and status each shown results document was read for: only running experiments take events. */
  const readFor = useRef(new Map<string, string>());

  const loadResults = async (experiments: Experiment[]) => {
    const launched = experiments.filter(
      (experiment) => experiment.phase > 0 && (experiment.status === 'running' || readFor.current.get(experiment.key) !== `${experiment.phase}:${experiment.status}`),
    );
    let cursor = 0;
    // A few at a time: the list asks for one results document per launched experiment.
    const worker = async () => {
      while (cursor < launched.length) {
        const experiment = launched[cursor++]!;
        try {
          const document = await api.get<ResultsDocument>(`/v1/experiments/${encodeURIComponent(experiment.key)}/results`);
          setResults((previous) => ({ ...previous, [experiment.key]: { results: document } }));
          readFor.current.set(experiment.key, `${experiment.phase}:${experiment.status}`);
        } catch {
          setResults((previous) => ({ ...previous, [experiment.key]: { failed: true } }));
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  };
  useEffect(() => {
    if (list.data) void loadResults(list.data);
  }, [list.data]);
  useInterval(() => void list.reload(), 60_000, true);

  const setQuery = (next: { status?: string; q?: string }) => {
    const params = new URLSearchParams(location.search);
    for (const [name, value] of Object.entries(next)) {
      if (!value || value === 'all') params.delete(name);
      else params.set(name, value);
    }
    const text = params.toString();
    navigate(text ? `/?${text}` : '/', { replace: true });
  };

  const counts = useMemo(() => {
    const byStatus: Record<string, number> = { all: list.data?.length ?? 0 };
    for (const experiment of list.data ?? []) byStatus[experiment.status] = (byStatus[experiment.status] ?? 0) + 1;
    return byStatus;
  }, [list.data]);

  const needle = search.trim().toLowerCase();
  const shown = (list.data ?? []).filter(
    (experiment) =>
      (status === 'all' || experiment.status === status) &&
      (!needle || experiment.name.toLowerCase().includes(needle) || experiment.key.toLowerCase().includes(needle) || (experiment.hypothesis ?? '').toLowerCase().includes(needle)),
  );
  const now = new Date();

  return (
    <section>
      <div class="page-header">
        <div>
          <h1>{t('nav.experiments')}</h1>
          <p class="muted">{t('list.intro')}</p>
        </div>
        {canEdit && (
          <Link href="/experiments/new" class="button button-primary" data-testid="new-experiment">
            <span aria-hidden="true">+</span> {t('list.new')}
          </Link>
        )}
      </div>

      <div class="toolbar">
        <form
          class="search"
          role="search"
          onSubmit={(event) => {
            event.preventDefault();
            setQuery({ q: searchText });
          }}
        >
          <label for="experiment-search" class="visually-hidden">
            {t('list.search')}
          </label>
          <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" class="search-icon">
            <circle cx="7" cy="7" r="5" fill="none" stroke="currentColor" stroke-width="1.6" />
            <path d="M11 11l3.5 3.5" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" />
          </svg>
          <input
            id="experiment-search"
            type="search"
            placeholder={t('list.searchPlaceholder')}
            value={searchText}
            onInput={(event) => {
              const value = (event.target as HTMLInputElement).value;
              setSearchText(value);
              setQuery({ q: value });
            }}
          />
        </form>
        <div class="segmented" role="group" aria-label={t('list.filterLabel')}>
          {filters.map((filter) => (
            <button type="button" aria-pressed={status === filter} onClick={() => setQuery({ status: filter })} data-filter={filter}>
              {t(filterKeys[filter])}
              <span class="count">{formatInteger(counts[filter] ?? 0, locale)}</span>
            </button>
          ))}
        </div>
      </div>

      <ErrorAlert error={list.error} onRetry={() => void list.reload()} />
      {list.loading && !list.data ? (
        <Loading />
      ) : list.data && shown.length === 0 ? (
        <div class="empty-state card">
          <p>{list.data.length === 0 ? t('list.emptyAll') : t('list.emptyFiltered')}</p>
          {list.data.length === 0 && canEdit && (
            <Link href="/experiments/new" class="button button-primary">
              {t('list.new')}
            </Link>
          )}
        </div>
      ) : (
        <div class="table-scroll card">
          <table class="data-table list-table" data-testid="experiments-table">
            <caption class="visually-hidden">{t('list.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('list.colExperiment')}</th>
                <th scope="col">{t('list.colStatus')}</th>
                <th scope="col" class="hide-narrow">
                  {t('list.colGoal')}
                </th>
                <th scope="col" class="num">
                  {t('list.colVisitors')}
                </th>
                <th scope="col">{t('list.colLeading')}</th>
                <th scope="col" class="num">
                  {t('list.colDays')}
                </th>
                <th scope="col">{t('list.colHealth')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((experiment) => {
                const state = results[experiment.key];
                const leader = leadingVariant(state?.results);
                const lift = leader?.vsControl?.relativeLift ?? null;
                const visitors = totalVisitors(state?.results);
                const days = daysRunning(experiment, now);
                const loadingResults = experiment.phase > 0 && !state;
                return (
                  <tr data-experiment={experiment.key}>
                    <td>
                      <Link href={`/experiments/${encodeURIComponent(experiment.key)}`} class="row-title">
                        {experiment.name}
                      </Link>
                      <div class="mono muted small">{experiment.key}</div>
                    </td>
                    <td>
                      <StatusBadge status={experiment.status} />
                    </td>
                    <td class="hide-narrow">{goalLabel(experiment, primaryGoalKey(experiment))}</td>
                    <td class="num" data-value={visitors ?? ''}>
                      {loadingResults ? <span class="skeleton" /> : formatInteger(visitors, locale)}
                    </td>
                    <td>
                      {leader ? (
                        <span class="leader">
                          <span class="variant-chip">{leader.key}</span>
                          <span class={`lift ${lift === null ? '' : lift > 0 ? 'lift-up' : lift < 0 ? 'lift-down' : ''}`}>
                            {lift !== null && (lift > 0 ? '▲ ' : lift < 0 ? '▼ ' : '')}
                            {formatLift(lift, locale)}
                          </span>
                        </span>
                      ) : loadingResults ? (
                        <span class="skeleton" />
                      ) : (
                        <span class="muted">—</span>
                      )}
                    </td>
                    <td class="num">{days === null ? <span class="muted">—</span> : tp('unit.days', days)}</td>
                    <td>{loadingResults ? <span class="skeleton" /> : <HealthBadge health={health(experiment, state?.results, state?.failed ?? false, now)} />}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

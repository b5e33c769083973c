import { useEffect, useState } from 'preact/hooks';
import type { Experiment, ResultsDocument } from '../api-types.ts';
import { DecisionBanner } from '../components/decision-banner.tsx';
import { ErrorAlert, Loading } from '../components/error-alert.tsx';
import { ResultsTable } from '../components/results-table.tsx';
import { RomiCard } from '../components/romi-card.tsx';
import { costsConfigured } from '../decision-text.ts';
import { formatDate, formatPValue, formatTime } from '../format.ts';
import { useInterval, useLazyModule, useResource } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { goalLabel, primaryGoalKey, totalVisitors } from '../summaries.ts';

const REFRESH_MS = 15_000;

/** The results of one phase and goal: verdict, table, charts, ROMI, warnings, exports, auto-refresh. */
export function ResultsView({ experiment }: { experiment: Experiment }) {
  const { t, locale } = useI18n();
  const { api } = useSession();
  const [goal, setGoal] = useState(primaryGoalKey(experiment) ?? '');
  const [phase, setPhase] = useState(experiment.phase);
  const [autoRefresh, setAutoRefresh] = useState(experiment.status === 'running');
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  const [visitorsPerMonth, setVisitorsPerMonth] = useState<number | null>(null);
  const charts = useLazyModule(() => import('../charts/index.ts'));
  useEffect(() => setPhase(experiment.phase), [experiment.phase]);

  const base = `/v1/experiments/${encodeURIComponent(experiment.key)}/results`;
  const query = (extra: Record<string, string> = {}) => {
    const params = new URLSearchParams({ goal, phase: String(phase), ...extra });
    return `${base}?${params.toString()}`;
  };
  const results = useResource(async () => {
    const document = await api.get<ResultsDocument>(query());
    setUpdatedAt(new Date());
    return document;
  }, [api, experiment.key, goal, phase]);
  useInterval(() => void results.reload(), REFRESH_MS, autoRefresh);

  const data = results.data;
  const monthly = visitorsPerMonth ?? defaultVisitorsPerMonth(data, experiment, phase);

  const download = async (format: 'csv' | 'md') => {
    const text = await api.text(query({ format }));
    const blob = new Blob([text], { type: format === 'csv' ? 'text/csv' : 'text/markdown' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `${experiment.key}-phase${phase}-${goal}.${format}`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  };

  return (
    <div class="results">
      <div class="controls card">
        <label class="control">
          <span>{t('results.goal')}</span>
          <select value={goal} onChange={(event) => setGoal((event.target as HTMLSelectElement).value)} data-testid="goal-select">
            {experiment.goals.map((candidate) => (
              <option value={candidate.key}>
                {goalLabel(experiment, candidate.key)}
                {candidate.primary ? ` (${t('results.primary')})` : ''}
              </option>
            ))}
          </select>
        </label>
        <label class="control">
          <span>{t('results.phase')}</span>
          <select value={String(phase)} onChange={(event) => setPhase(Number((event.target as HTMLSelectElement).value))} data-testid="phase-select">
            {[...experiment.phases].reverse().map((candidate) => (
              <option value={String(candidate.phase)}>
                {t('results.phaseOption', {
                  phase: candidate.phase,
                  from: formatDate(candidate.startedAt, locale),
                  to: candidate.endedAt ? formatDate(candidate.endedAt, locale) : t('results.today'),
                })}
              </option>
            ))}
          </select>
        </label>
        <div class="control refresh">
          <label class="control-check">
            <input type="checkbox" checked={autoRefresh} onChange={(event) => setAutoRefresh((event.target as HTMLInputElement).checked)} />
            <span>{t('results.autoRefresh')}</span>
          </label>
          <span class="muted small updated" aria-live="polite">
            {updatedAt && t('results.updatedAt', { time: formatTime(updatedAt, locale) })}
          </span>
        </div>
        <span class="controls-spacer" />
        <div class="export" role="group" aria-label={t('results.export')}>
          <button type="button" class="button button-small" onClick={() => void download('csv')} data-testid="export-csv">
            {t('results.exportCsv')}
          </button>
          <button type="button" class="button button-small" onClick={() => void download('md')} data-testid="export-md">
            {t('results.exportMarkdown')}
          </button>
        </div>
      </div>

      <ErrorAlert error={results.error} onRetry={() => void results.reload()} />
      {!data ? (
        results.loading && <Loading />
      ) : (
        <>
          <DecisionBanner results={data} experiment={experiment} />
          <Warnings results={data} experiment={experiment} />
          <ResultsTable results={data} experiment={experiment} />
          <p class="muted small table-note">{t('results.tableNote', { level: String(Math.round((1 - data.settings.alpha) * 100)) })}</p>
          <div class="grid-2">
            {charts ? <charts.ForestPlot results={data} experiment={experiment} /> : <div class="card chart-placeholder" />}
            <RomiCard results={data} hasCosts={costsConfigured(experiment)} visitorsPerMonth={monthly} onVisitorsPerMonth={setVisitorsPerMonth} />
          </div>
          {charts ? <charts.CumulativeChart results={data} experiment={experiment} /> : <div class="card chart-placeholder" />}
          {charts ? <charts.AbandonmentChart results={data} experiment={experiment} /> : <div class="card chart-placeholder" />}
        </>
      )}
    </div>
  );
}

/** Sample ratio mismatch and other signs that the data, not the offer, is the story. */
function Warnings({ results, experiment }: { results: ResultsDocument; experiment: Experiment }) {
  const { t, locale } = useI18n();
  const warnings: { id: string; text: string }[] = [];
  if (results.srm.mismatch) warnings.push({ id: 'srm', text: t('warning.srm', { p: formatPValue(results.srm.pValue, locale) }) });
  const total = totalVisitors(results) ?? 0;
  if (total >= 100) {
    for (const variant of results.variants) {
      if (variant.visitors === 0 && variant.weight > 0) warnings.push({ id: `empty-${variant.key}`, text: t('warning.emptyVariant', { key: variant.key }) });
    }
  }
  if (experiment.status === 'paused') warnings.push({ id: 'paused', text: t('warning.paused') });
  if (results.phase < experiment.phase) warnings.push({ id: 'old-phase', text: t('warning.oldPhase', { phase: results.phase }) });
  if (warnings.length === 0) return null;
  return (
    <div class="warnings" data-testid="warnings">
      {warnings.map((warning) => (
        <p class="alert alert-warning" data-warning={warning.id}>
          <span class="alert-icon" aria-hidden="true">
            !
          </span>
          {warning.text}
        </p>
      ))}
    </div>
  );
}

/** The phase's traffic so far, scaled to 30 days: a starting point the marketer can change. */
function defaultVisitorsPerMonth(results: ResultsDocument | undefined, experiment: Experiment, phase: number): number {
  if (!results) return 0;
  const visitors = totalVisitors(results) ?? 0;
  const record = experiment.phases.find((candidate) => candidate.phase === phase);
  if (!record || visitors === 0) return 0;
  const end = record.endedAt ? Date.parse(record.endedAt) : Date.now();
  const days = Math.max(1, (end - Date.parse(record.startedAt)) / 86_400_000);
  const monthly = (visitors / days) * 30;
  const magnitude = 10 ** Math.max(0, Math.floor(Math.log10(monthly)) - 1);
  return Math.round(monthly / magnitude) * magnitude;
}

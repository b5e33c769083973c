import { useState } from 'preact/hooks';
import { ApiError } from '../api.ts';
import { allowedActions } from '../../../functions/src/domain/lifecycle-rules.ts';
import type { Experiment, LifecycleAction } from '../api-types.ts';
import { useI18n, type MessageKey } from '../i18n.tsx';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { Dialog } from './dialog.tsx';
import { ErrorAlert } from './error-alert.tsx';


const labels: Record<LifecycleAction, { button: MessageKey; title: MessageKey; body: MessageKey; danger?: boolean }> = {
  launch: { button: 'lifecycle.launch', title: 'lifecycle.launchTitle', body: 'lifecycle.launchBody' },
  pause: { button: 'lifecycle.pause', title: 'lifecycle.pauseTitle', body: 'lifecycle.pauseBody' },
  resume: { button: 'lifecycle.resume', title: 'lifecycle.resumeTitle', body: 'lifecycle.resumeBody' },
  stop: { button: 'lifecycle.stop', title: 'lifecycle.stopTitle', body: 'lifecycle.stopBody', danger: true },
  archive: { button: 'lifecycle.archive', title: 'lifecycle.archiveTitle', body: 'lifecycle.archiveBody', danger: true },
  phase: { button: 'lifecycle.phase', title: 'lifecycle.phaseTitle', body: 'lifecycle.phaseBody' },
};

/**
 * The lifecycle buttons an admin may press now, each behind a confirmation that says what
 * will happen. "New phase" also edits the weights and coverage it re-randomizes with.
 */
export function LifecycleActions({ experiment, onChanged }: { experiment: Experiment; onChanged: (experiment: Experiment) => void }) {
  const { t } = useI18n();
  const { api, canEdit } = useSession();
  const [pending, setPending] = useState<LifecycleAction | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [weights, setWeights] = useState<Record<string, string>>({});
  const [coverage, setCoverage] = useState('');
  if (!canEdit) return null;

  const open = (action: LifecycleAction) => {
    setError(null);
    setWeights(Object.fromEntries(experiment.variants.map((variant) => [variant.key, String(round(variant.weight * 100))])));
    setCoverage(String(round(experiment.coverage * 100)));
    setPending(action);
  };

  const confirm = async () => {
    if (!pending) return;
    setBusy(true);
    setError(null);
    try {
      const body =
        pending === 'phase'
          ? {
              variants: experiment.variants.map((variant) => ({ ...variant, weight: Number(weights[variant.key]) / 100 })),
              coverage: Number(coverage) / 100,
            }
          : undefined;
      const changed = await api.post<Experiment>(`/v1/experiments/${encodeURIComponent(experiment.key)}/${pending}`, body);
      setPending(null);
      onChanged(changed);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const actions = allowedActions(experiment.status);
  const issues = error instanceof ApiError ? error.issues : [];
  return (
    <div class="actions" data-testid="lifecycle-actions">
      {experiment.status === 'draft' && (
        <Link href={`/experiments/${encodeURIComponent(experiment.key)}/edit`} class="button" data-testid="edit-experiment">
          {t('action.edit')}
        </Link>
      )}
      {actions.map((action) => (
        <button
          type="button"
          class={`button ${action === 'launch' ? 'button-primary' : labels[action].danger ? 'button-danger-quiet' : ''}`}
          onClick={() => open(action)}
          data-action={action}
        >
          {t(labels[action].button)}
        </button>
      ))}
      {error && !pending ? <ErrorAlert error={error} /> : null}
      {pending && (
        <Dialog
          title={t(labels[pending].title, { name: experiment.name })}
          confirmLabel={t(labels[pending].button)}
          tone={labels[pending].danger ? 'danger' : 'primary'}
          busy={busy}
          onConfirm={() => void confirm()}
          onCancel={() => setPending(null)}
        >
          <p>{t(labels[pending].body)}</p>
          {pending === 'phase' && (
            <fieldset class="phase-fields">
              <legend>{t('lifecycle.phaseWeights')}</legend>
              {experiment.variants.map((variant, index) => (
                <label class="inline-field">
                  <span>
                    {t('editor.weightOf', { key: variant.key })}
                  </span>
                  <input
                    type="number"
                    min={0}
                    max={100}
                    step="any"
                    value={weights[variant.key]}
                    onInput={(event) => setWeights({ ...weights, [variant.key]: (event.target as HTMLInputElement).value })}
                    aria-invalid={issues.some((issue) => issue.path === `variants.${index}.weight`) || undefined}
                  />
                  <span aria-hidden="true">%</span>
                </label>
              ))}
              <label class="inline-field">
                <span>{t('editor.coverage')}</span>
                <input type="number" min={0} max={100} step="any" value={coverage} onInput={(event) => setCoverage((event.target as HTMLInputElement).value)} />
                <span aria-hidden="true">%</span>
              </label>
            </fieldset>
          )}
          {error ? (
            <div class="dialog-error">
              <ErrorAlert error={error} />
              {issues.length > 0 && (
                <ul class="issue-list">
                  {issues.map((issue) => (
                    <li>{issue.message}</li>
                  ))}
                </ul>
              )}
            </div>
          ) : null}
        </Dialog>
      )}
    </div>
  );
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;

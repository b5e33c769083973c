import { ApiError } from '../api.ts';
import { useI18n } from '../i18n.tsx';

/** An API or network failure in words: the API's own message for 4xx, a retry hint otherwise. */
export function ErrorAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  if (!error) return null;
  let text: string;
  if (error instanceof ApiError) {
    if (error.status === 403) text = `${t('error.forbidden')} ${error.message}`;
    else if (error.status === 0) text = t('error.network');
    else if (error.status >= 500) text = t('error.server');
    else text = error.message;
  } else text = t('error.unexpected');
  return (
    <div class="alert alert-error" role="alert" data-testid="error-alert" data-status={error instanceof ApiError ? error.status : undefined}>
      <span>{text}</span>
      {onRetry && (
        <button type="button" class="button button-small" onClick={onRetry}>
          {t('action.retry')}
        </button>
      )}
    </div>
  );
}

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {label ?? t('app.loading')}
    </p>
  );
}
